import type { SandboxUrls } from "@/sandbox";
import { DEMO_ADMIN, DEMO_LOGINS, DEMO_PROVIDERS, type DemoProvider } from "./config";
import type { DemoSeed } from "./seed-demo";

const LABELS: Record<DemoProvider, { name: string; kind: string }> = {
  github: { name: "GitHub", kind: "as an Enterprise Server" },
  gitlab: { name: "GitLab", kind: "self-managed" },
};

/** A repository's address as people paste it (the clone URL without `.git`). */
function repoUrl(cloneUrl: string): string {
  return cloneUrl.replace(/\.git$/, "");
}

/**
 * What a newcomer reads once the app answers: where to sign in and as whom, what the sandbox
 * offers (repositories, a PAT per provider), and the tour: connect, create an environment, push,
 * disconnect. Plain text with no colour codes, so it reads the same in any terminal or log.
 */
export function demoBanner(opts: { seed: DemoSeed; appUrl: string; urls: SandboxUrls; dataDir: string; environmentsDir: string }): string {
  const { seed } = opts;
  const rule = "─".repeat(78);
  const lines = [
    rule,
    ` Offline demo: ${opts.appUrl}`,
    rule,
    ` Sign in as     ${DEMO_ADMIN.email}`,
    ` Password       ${seed.state.adminPassword}`,
    ` Runner         ${seed.plane.runner.name} (key ${seed.plane.runner.fingerprint})`,
    "",
  ];
  for (const provider of DEMO_PROVIDERS) {
    const [own, readOnly] = seed.sandbox.repos[provider];
    const web = provider === "github" ? opts.urls.github.web : opts.urls.gitlab.web;
    lines.push(
      ` Sandbox ${LABELS[provider].name.padEnd(7)}${web} (${LABELS[provider].kind}; you are ${DEMO_LOGINS[provider]})`,
      `   your repo    ${own ? repoUrl(own.cloneUrl) : "-"}`,
      `   read-only    ${readOnly ? repoUrl(readOnly.cloneUrl) : "-"}`,
      `   PAT          ${seed.sandbox.pats[provider].value}`,
    );
  }
  const github = seed.sandbox.repos.github[0];
  lines.push(
    "",
    " What to try",
    "  1. Settings > Git Authentications, GitHub row: \"Connect with OAuth\", then Authorize on the",
    "     sandbox's consent page; or \"Use a personal access token\" with the PAT above. Same for GitLab.",
    `  2. Environments: create an environment from ${github ? repoUrl(github.cloneUrl) : "your GitHub repo"}.`,
    `  3. Push: in ${opts.environmentsDir}/<environment id>, commit a change and \`git push\`.`,
    "     git gets your token from the runner (it is never written to the clone). The read-only",
    "     acme/handbook clones too, but refuses the push.",
    "  4. Settings > Git Authentications: Disconnect. The sandbox revokes the token.",
    "  5. Settings > Runners > Local runner: the two integrations; Edit > Save & Test checks one",
    "     from the runner.",
    "",
    ` Data: ${opts.dataDir} (delete it to start over). Ctrl-C stops the app, the runner and the sandbox.`,
  );
  if (seed.plane.clearedConnections > 0) {
    lines.push(` ${seed.plane.clearedConnections} connection(s) from the last run were removed: the sandbox starts empty on every run.`);
  }
  lines.push(rule);
  return lines.join("\n");
}
