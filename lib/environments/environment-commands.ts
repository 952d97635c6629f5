/**
 * The runner's data directory, from where it reported the clone (`<data-dir>/environments/<id>`),
 * or null when the path does not have that shape (a clone not reported yet, another layout).
 */
export function runnerDataDir(clonePath: string | null, environmentId: string): string | null {
  if (!clonePath) return null;
  const parts = clonePath.replace(/\/+$/, "").split("/");
  if (parts.length < 3 || parts.at(-1) !== environmentId || parts.at(-2) !== "environments") return null;
  return parts.slice(0, -2).join("/") || "/";
}

/** Quotes a value for a POSIX shell when it needs it. */
function sh(value: string): string {
  return /^[\w./:@%+=-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The local runner of `npm start` keeps its data in the checkout's `.data/local-runner`; its commands run from there. */
function isCheckoutRunner(dataDir: string | null): boolean {
  return dataDir !== null && /(^|\/)\.data(-[\w-]+)?\/local-runner$/.test(dataDir);
}

/**
 * How to reach an environment on its runner's host: git and a shell as the environment's own
 * identity, and where its agent tools are served. `scm-runner` on a runner installed from the
 * artifact, `npm run` in the project's checkout for the local runner; with `--data-dir` when the
 * runner's data directory is known from the clone's path.
 */
export function environmentCommands(opts: { environmentId: string; clonePath: string | null }): { git: string; shell: string; agentTools: string; dataDir: string | null } {
  const dataDir = runnerDataDir(opts.clonePath, opts.environmentId);
  const dir = dataDir ? ` --data-dir ${sh(dataDir)}` : "";
  const checkout = isCheckoutRunner(dataDir);
  const exec = `${checkout ? "npm run -s runner --" : "scm-runner"} exec${dir} --environment ${opts.environmentId} --`;
  return {
    git: `${exec} git status`,
    shell: `${exec} sh`,
    agentTools: `${checkout ? "npm run -s agent-tools --" : "scm-runner agent-tools"} endpoint --environment ${opts.environmentId}${dir}`,
    dataDir,
  };
}
