import path from "node:path";
import type { SandboxPorts } from "@/sandbox";

/**
 * What `npm run demo` sets up: one organization, one admin, the embedded "Local runner" offering a
 * sandbox GitHub (as an Enterprise Server host) and a sandbox GitLab (self-managed), each with OAuth
 * and personal access tokens, and a few repositories on each.
 */

/** The demo keeps everything here, never in the developer's `.data`. */
export const DEFAULT_DEMO_DATA_DIR = ".data-demo";
/** The sandbox's admin API listens here; the provider hosts on the next ports (as `npm run sandbox`). */
export const DEFAULT_PORT_BASE = 4100;
export const DEFAULT_APP_PORT = 3000;

export const DEMO_ORG_NAME = "Demo";
export const DEMO_ADMIN = { name: "Demo Admin", email: "admin@demo.example" } as const;

/** The two providers the demo offers (the sandbox serves four; these two have every feature). */
export const DEMO_PROVIDERS = ["github", "gitlab"] as const;
export type DemoProvider = (typeof DEMO_PROVIDERS)[number];

/** The sandbox account the consent pages sign in as, and the one the printed PAT belongs to. */
export const DEMO_LOGINS: Record<DemoProvider, string> = { github: "octocat", gitlab: "tanuki" };

/**
 * An organization that is not the demo user: its handbook is readable but not writable, so a push
 * there shows how a permission error looks.
 */
export const READ_ONLY_OWNER = "acme";

/** The repositories seeded on each provider; `{login}` is the demo user. */
export const DEMO_REPOS = [
  { name: "hello-world", owner: "{login}", permission: "admin", description: "A small repository you own: clone it into an environment and push." },
  { name: "handbook", owner: READ_ONLY_OWNER, permission: "read", description: "Read-only for you: cloning works, pushing is refused." },
] as const;

/**
 * Files of the seeded repositories. Nothing here is TypeScript or JavaScript on purpose: clones
 * land inside the project directory (the runner's data dir), where the project's own type checker
 * and linter would otherwise pick them up.
 */
export function demoRepoFiles(name: string, description: string): Record<string, string> {
  return {
    "README.md": `# ${name}\n\n${description}\n\nEdit this file in your environment, commit, and push.\n`,
    "hello.py": 'print("Hello from the offline demo")\n',
    "docs/notes.md": "# Notes\n\nA second directory, so the clone has some shape.\n",
  };
}

/** Fixed sandbox ports from a base, in the order `npm run sandbox` uses, so printed URLs stay stable. */
export function sandboxPorts(base: number): SandboxPorts {
  return {
    admin: base,
    github: { web: base + 1, api: base + 2 },
    gitlab: { web: base + 3 },
    bitbucket: { web: base + 4, api: base + 5 },
    azure: { web: base + 6, vssps: base + 7, entra: base + 8 },
  };
}

/** Every port of the layout, for checking they are free before anything starts. */
export function allSandboxPorts(base: number): number[] {
  return Array.from({ length: 9 }, (_, i) => base + i);
}

/** Where the embedded runner keeps its key and registration (`scripts/dev.mjs` uses the same path). */
export function runnerDataDir(dataDir: string): string {
  return path.join(dataDir, "local-runner");
}

/** Where the embedded database lives inside a data dir (`db/client.ts` uses the same path). */
export function pgliteDir(dataDir: string): string {
  return path.join(dataDir, "pglite");
}
