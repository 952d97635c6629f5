import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { runners } from "@/db/schema";
import { seal } from "@/lib/crypto/sealed-box";
import { createRunner } from "@/lib/runners/create-runner";
import type { IntegrationTestPayload } from "@/lib/runners/protocol";
import type { Actor } from "@/lib/users/actor";
import { seedOrg } from "@/tests/helpers/seed";
import { runRunner } from "./runner-process";

const dirs: string[] = [];

/** A fresh temporary data directory for one runner (not created yet: the runner creates it). */
export function tempDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scm-runner-test-"));
  // Passable by environments' OS users (as /var/lib is), so a runner started as root isolates.
  fs.chmodSync(dir, 0o711);
  dirs.push(dir);
  return path.join(dir, "data");
}
/** Deletes every directory `tempDataDir` handed out. */
export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** An org, its admin, and a runner registered through the real CLI into a fresh data directory. */
export async function registeredRunner(db: Db, planeUrl: string): Promise<{ admin: Actor; runnerId: string; dataDir: string; publicKey: string }> {
  const { admin } = await seedOrg(db);
  const { runnerId, registrationToken } = await createRunner({ db, actor: admin, name: `runner-${crypto.randomBytes(3).toString("hex")}` });
  const dataDir = tempDataDir();
  const run = await runRunner(["register", "--url", planeUrl, "--token", registrationToken, "--data-dir", dataDir]);
  if (run.code !== 0) throw new Error(`register failed (${run.code}): ${run.stderr}`);
  const [row] = await db.select({ publicKey: runners.publicKey }).from(runners).where(eq(runners.id, runnerId));
  return { admin, runnerId, dataDir, publicKey: row!.publicKey! };
}

/** The runner's stored access token (what a dead attempt would have answered with). */
export function storedAccessToken(dataDir: string): string {
  return (JSON.parse(fs.readFileSync(path.join(dataDir, "credentials.json"), "utf8")) as { accessToken: string }).accessToken;
}

/** `host[:port]` and base URL of a sandbox (loopback) URL, as the plane normalizes them. */
export function location(url: string): { host: string; baseUrl: string } {
  const u = new URL(url);
  return { host: u.host, baseUrl: `${u.protocol}//${u.host}` };
}

/** An `integration.test` payload with the client secret sealed to the runner, as the browser does. */
export async function integrationTestPayload(opts: {
  runnerId: string;
  publicKey: string;
  provider: IntegrationTestPayload["provider"];
  url: string;
  oauth?: { clientId: string; clientSecret: string } | null;
  issuerUrl?: string | null;
  virtualDirectory?: string | null;
  sealHost?: string;
}): Promise<IntegrationTestPayload> {
  const { host, baseUrl } = location(opts.url);
  return {
    integrationId: crypto.randomUUID(),
    provider: opts.provider,
    host,
    baseUrl,
    issuerUrl: opts.issuerUrl ?? null,
    virtualDirectory: opts.virtualDirectory ?? null,
    allowPrivateHosts: false,
    oauth: opts.oauth
      ? {
          clientId: opts.oauth.clientId,
          clientSecretSealed: await seal(opts.publicKey, { purpose: "oauth_client_secret", runnerId: opts.runnerId, host: opts.sealHost ?? host }, opts.oauth.clientSecret),
        }
      : null,
    patEnabled: true,
  };
}

/** A loopback port with nothing listening on it (bound, then released). */
export async function closedPort(): Promise<number> {
  const net = await import("node:net");
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as import("node:net").AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function rowsOf(result: unknown): Record<string, unknown>[] {
  // postgres.js returns the rows themselves; PGlite returns `{ rows }`.
  return Array.isArray(result) ? (result as Record<string, unknown>[]) : ((result as { rows: Record<string, unknown>[] }).rows ?? []);
}

/** Every row of every table in the public schema, as text: what a database dump would reveal. */
export async function dumpDatabase(db: Db): Promise<string> {
  const tables = rowsOf(await db.execute(sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`));
  const parts: string[] = [];
  for (const { table_name: name } of tables) {
    const rows = rowsOf(await db.execute(sql.raw(`select t::text as row from "${String(name)}" t`)));
    parts.push(`-- ${String(name)}\n${rows.map((r) => String(r.row)).join("\n")}`);
  }
  return parts.join("\n");
}

/** Polls `check` until it returns a value other than undefined (for state with no event to await). */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000, what = "condition"): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
