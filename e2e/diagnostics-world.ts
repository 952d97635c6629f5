import { spawn, type ChildProcess } from "node:child_process";

/** The plane the runner registers with: the app under test. */
export const PLANE_URL = `http://localhost:${process.env.E2E_PORT ?? "3210"}`;

/** A child process whose output is kept, for assertions and for the failure message. */
export type Proc = { child: ChildProcess; output: () => string };

function track(child: ChildProcess): Proc {
  let text = "";
  child.stdout?.on("data", (b: Buffer) => (text += b.toString()));
  child.stderr?.on("data", (b: Buffer) => (text += b.toString()));
  return { child, output: () => text };
}

/** `npm run runner -- ...` (the runner artifact) in its own process group (so stopping it stops the runner too); `env` adds variables (e.g. `LOG_LEVEL`). */
export function runnerProcess(args: string[], dataDir: string, env: Record<string, string> = {}): Proc {
  return track(spawn("npm", ["run", "--silent", "runner", "--", ...args, "--data-dir", dataDir], { detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NODE_ENV: "production", ...env } }));
}

export async function exitCode(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  return new Promise((resolve) => child.on("exit", (code) => resolve(code)));
}

/** Stops a process group started here (SIGTERM) and waits for it. */
export async function stopProcess(proc: Proc | null): Promise<void> {
  const child = proc?.child;
  if (!child?.pid || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return;
  }
  await exitCode(child);
}

export type SandboxUrls = { github: { web: string; api: string; enterpriseApi: string }; gitlab: { web: string } };

/** A token as the sandbox's admin API shows it (its value included: the admin API is the sandbox's back door). */
export type SandboxToken = { id: number; provider: string; kind: "classic" | "fine-grained" | "oauth" | "refresh"; value: string; login: string; scopes: string[]; revokedAt: string | null; clientId: string | null };
export type SandboxProc = Proc & { adminUrl: string; urls: SandboxUrls; admin: <T>(method: string, path: string, body?: unknown) => Promise<T> };

/**
 * The provider sandbox through its CLI (Playwright's loader cannot import its ES modules), with
 * consent pages auto-approved, driven through its HTTP admin API.
 */
export async function startSandboxProcess(): Promise<SandboxProc> {
  const proc = track(spawn("npm", ["run", "--silent", "sandbox", "--", "--ephemeral", "--auto-approve"], { detached: true, stdio: ["ignore", "pipe", "pipe"] }));
  const adminUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sandbox did not start:\n${proc.output()}`)), 30_000);
    proc.child.stdout?.on("data", () => {
      const match = /admin API\s+(\S+)\/admin\/health/.exec(proc.output());
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    proc.child.on("exit", () => reject(new Error(`sandbox exited:\n${proc.output()}`)));
  });
  const admin = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${adminUrl}${path}`, { method, headers: body === undefined ? {} : { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`sandbox ${method} ${path} answered ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  };
  const health = await admin<{ urls: SandboxUrls }>("GET", "/admin/health");
  return { ...proc, adminUrl, urls: health.urls, admin };
}

/**
 * Every token the sandbox has issued with an id up to `upTo` (PATs, OAuth access and refresh
 * tokens). The admin API looks tokens up by id only, and ids are shared with users, repositories
 * and faults, so this walks the ids; issue something just before to know the latest id.
 */
export async function sandboxTokens(sandbox: SandboxProc, upTo: number): Promise<SandboxToken[]> {
  const ids = Array.from({ length: upTo }, (_, i) => i + 1);
  const found = await Promise.all(
    ids.map(async (id) => {
      const res = await fetch(`${sandbox.adminUrl}/admin/tokens/${id}`);
      if (res.status === 404) return null;
      if (!res.ok) throw new Error(`sandbox GET /admin/tokens/${id} answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as SandboxToken;
    }),
  );
  return found.filter((t): t is SandboxToken => t !== null);
}
