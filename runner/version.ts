import fs from "node:fs";

function readVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: unknown };
    return typeof pkg.version === "string" ? pkg.version : "0.0.0";
  } catch {
    return "0.0.0";
  }
}

/** The runner's version, reported at registration and sent as its User-Agent (the project's package version). */
export const RUNNER_VERSION = readVersion();

/** User-Agent for every request the runner makes (GitHub refuses requests without one). */
export const USER_AGENT = `scm-runner/${RUNNER_VERSION}`;
