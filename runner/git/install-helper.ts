import crypto from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The helper scripts as shipped with the runner. */
const SOURCES = { "git-credential-scm.sh": "./credential-helper.sh", "credential-helper.mjs": "./credential-helper.mjs" } as const;

/** Where the runner installs its git credential helper: `<dataDir>/bin`. */
export function helperDir(dataDir: string): string {
  return path.join(dataDir, "bin");
}

/** The helper script environments' `.git/config` names. */
export function helperScript(dataDir: string): string {
  return path.join(helperDir(dataDir), "git-credential-scm.sh");
}

/**
 * Copies the credential helper (the shell script and its Node fallback, which must sit beside it)
 * into `<dataDir>/bin`, readable and executable by everyone (environments run it as their own
 * users) and writable by the runner alone. Replaced atomically on every start, so an upgraded
 * runner's clones use the upgraded helper. Holds no secret.
 */
export async function installCredentialHelper(dataDir: string): Promise<string> {
  const dir = helperDir(dataDir);
  await fs.mkdir(dir, { recursive: true, mode: 0o755 });
  await fs.chmod(dir, 0o755);
  for (const [name, source] of Object.entries(SOURCES)) {
    const text = await fs.readFile(fileURLToPath(new URL(source, import.meta.url)));
    const temp = path.join(dir, `.${name}.${crypto.randomBytes(6).toString("hex")}.tmp`);
    await fs.writeFile(temp, text, { mode: 0o755, flag: "wx" });
    await fs.chmod(temp, 0o755);
    await fs.rename(temp, path.join(dir, name));
  }
  return helperScript(dataDir);
}
