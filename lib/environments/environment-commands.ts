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

/**
 * How to reach an environment on its runner's host: git and a shell as the environment's own
 * identity, and where its agent tools are served. With `--data-dir` when the runner's data
 * directory is known from the clone's path.
 */
export function environmentCommands(opts: { environmentId: string; clonePath: string | null }): { git: string; shell: string; agentTools: string; dataDir: string | null } {
  const dataDir = runnerDataDir(opts.clonePath, opts.environmentId);
  const dir = dataDir ? ` --data-dir ${sh(dataDir)}` : "";
  const exec = `npm run -s runner -- exec${dir} --environment ${opts.environmentId} --`;
  return {
    git: `${exec} git status`,
    shell: `${exec} sh`,
    agentTools: `npm run -s agent-tools -- endpoint --environment ${opts.environmentId}${dir}`,
    dataDir,
  };
}
