import fs from "node:fs";

/** Set by the runner artifact's build (scripts/build-runner.mjs); absent when run from the sources. */
declare const __SCM_RUNNER_BUILD__: { version: string; command: string } | undefined;

const built = typeof __SCM_RUNNER_BUILD__ === "undefined" ? undefined : __SCM_RUNNER_BUILD__;

/** Whether this is the runner artifact (installed on a host), not the sources in a checkout. */
export const IS_ARTIFACT = built !== undefined;

function readVersion(): string {
  if (built) return built.version;
  try {
    const pkg = JSON.parse(fs.readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: unknown };
    return typeof pkg.version === "string" ? pkg.version : "0.0.0";
  } catch {
    return "0.0.0";
  }
}

/** The runner's version, reported at registration and on connecting, and sent as its User-Agent (the project's package version). */
export const RUNNER_VERSION = readVersion();

/** User-Agent for every request the runner makes (GitHub refuses requests without one). */
export const USER_AGENT = `scm-runner/${RUNNER_VERSION}`;

/**
 * How people type this runner's commands: `scm-runner` for the installed artifact, `npm run runner --`
 * from a checkout of the project (scripts/runner.mjs says so through SCM_RUNNER_COMMAND). Used in
 * every hint the CLI prints.
 */
export const RUNNER_COMMAND = process.env.SCM_RUNNER_COMMAND || (built?.command ?? "npm run runner --");

/** How people type the agent-tools commands: `scm-runner agent-tools` for the artifact, `npm run -s agent-tools --` from a checkout. */
export const AGENT_TOOLS_COMMAND = process.env.SCM_AGENT_TOOLS_COMMAND || (built ? `${built.command} agent-tools` : "npm run -s agent-tools --");
