import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { setDatabaseForProcess, type Database } from "@/db/client";
import type { ActionResult } from "@/lib/actions/result";
import { buildSupportBundle } from "@/lib/diagnostics/build-support-bundle";
import { getTrail } from "@/lib/diagnostics/get-trail";
import { searchEvents } from "@/lib/diagnostics/search-events";
import { connectWithPat } from "@/lib/git-auth/connect-with-pat";
import type { Actor } from "@/lib/users/actor";
import { setupGitAuth } from "../helpers/git-auth-setup";
import { startRunnerApiServer, type RunnerApiServer } from "../helpers/runner-api-server";
import { seedUser } from "../helpers/seed";
import { testEngines } from "../helpers/test-database";

/** The signed-in actor the mocked session answers with. */
const session = vi.hoisted(() => ({ actor: null as Actor | null }));

vi.mock("next/headers", () => ({
  headers: async () => new Headers({ host: "localhost:3000", origin: "http://localhost:3000", "sec-fetch-site": "same-origin" }),
  cookies: async () => ({ get: () => undefined, getAll: () => [] }),
}));
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));
vi.mock("@/lib/auth/get-actor", () => ({
  getActor: async () => session.actor,
  requirePageActor: async () => session.actor,
}));

type AnyAction = (prev: null, input: Record<string, unknown>) => Promise<ActionResult<unknown>>;

/** Every server action module a signed-in person can post to (sign-in and setup are public by design). */
const ACTION_MODULES = {
  runners: () => import("@/app/(settings)/settings/runners/actions"),
  members: () => import("@/app/(settings)/settings/members/actions"),
  agents: () => import("@/app/(settings)/settings/agents/actions"),
  gitAuthentications: () => import("@/app/(settings)/settings/git-authentications/actions"),
  environments: () => import("@/app/(settings)/environments/actions"),
  diagnostics: () => import("@/app/(settings)/settings/diagnostics/actions"),
};
/** What support may run: Check access reads and probes, it changes nothing. */
const SUPPORT_MAY = new Set(["diagnostics.startAccessCheckAction"]);

describe.each(testEngines())("Diagnostics: support is read-only and sees no secret on $name", (engine) => {
  let database: Database;
  let api: RunnerApiServer;
  beforeAll(async () => {
    database = await engine.open();
    setDatabaseForProcess(database);
    api = await startRunnerApiServer(database);
  });
  afterAll(async () => {
    setDatabaseForProcess(undefined);
    await api.close();
    await database.close();
  });

  it("every server action that changes configuration refuses support, whatever it is sent", async () => {
    const { orgId, ids } = await setupGitAuth(database.db, api.url);
    session.actor = await seedUser(database.db, orgId, "support");
    const input = { integrationId: ids[0], runnerId: crypto.randomUUID(), userId: crypto.randomUUID(), groupId: crypto.randomUUID(), name: "x", email: "x@example.test", role: "admin", mode: "disabled" };
    let checked = 0;
    for (const [name, load] of Object.entries(ACTION_MODULES)) {
      for (const [exported, action] of Object.entries(await load())) {
        if (typeof action !== "function") continue;
        const result = await (action as AnyAction)(null, input);
        if (SUPPORT_MAY.has(`${name}.${exported}`)) expect(result, `${name}.${exported}`).not.toMatchObject({ code: "forbidden" });
        else expect(result, `${name}.${exported}`).toMatchObject({ ok: false, code: "forbidden" });
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(20);
  });

  it("admin data routes answer 403 to support; the diagnostics routes answer", async () => {
    const { orgId } = await setupGitAuth(database.db, api.url);
    session.actor = await seedUser(database.db, orgId, "support");
    const someId = crypto.randomUUID();
    const jobs = await import("@/app/api/jobs/[jobId]/route");
    expect((await jobs.GET(new Request(`http://localhost/api/jobs/${someId}`), { params: Promise.resolve({ jobId: someId }) })).status).toBe(403);
    const status = await import("@/app/api/runners/status/route");
    expect((await status.GET(new Request(`http://localhost/api/runners/status?ids=${someId}`))).status).toBe(403);
    const checks = await import("@/app/api/diagnostics/access-checks/[checkId]/route");
    expect((await checks.GET(new Request("http://localhost/x"), { params: Promise.resolve({ checkId: someId }) })).status).toBe(404);
    const bundle = await import("@/app/api/diagnostics/bundle/route");
    const member = await seedUser(database.db, orgId, "member");
    const download = await bundle.GET(new Request(`http://localhost/api/diagnostics/bundle?userEmail=${encodeURIComponent(member.email)}`));
    expect(download.status).toBe(200);
    expect(download.headers.get("content-disposition")).toMatch(/^attachment; filename="scm-support-bundle-/);
    session.actor = member;
    expect((await bundle.GET(new Request(`http://localhost/api/diagnostics/bundle?userEmail=${encodeURIComponent(member.email)}`))).status).toBe(403);
  });

  it("what support sees (search, timeline, bundles) holds no sealed box, token or client secret", async () => {
    const { orgId, member, runner, ids, sealPat, seeded } = await setupGitAuth(database.db, api.url, {
      tokens: (m) => [{ integration: 1, userId: m.userId, source: "oauth", login: "tanuki", scopes: ["api"], withRefreshToken: true }],
    });
    const support = await seedUser(database.db, orgId, "support");
    const token = `ghp_${crypto.randomBytes(18).toString("hex")}`;
    const connecting = connectWithPat({ database, actor: member, integrationId: ids[0]!, patSealed: await sealPat(member, 0, token) });
    const job = await runner.claim("pat.validate");
    await runner.succeed(job, await runner.credential(job, { token, login: "octocat", scopes: ["repo"] }));
    await connecting;
    const events = await searchEvents({ db: database.db, actor: support, filters: { email: member.email } });
    const trail = await getTrail({ db: database.db, actor: support, correlationId: events[0]!.correlationId! });
    const bundles = [
      await buildSupportBundle({ db: database.db, actor: support, target: { userEmail: member.email }, offlineAfterMs: 45_000 }),
      await buildSupportBundle({ db: database.db, actor: support, target: { runnerId: seeded.runnerId }, offlineAfterMs: 45_000 }),
    ];
    const seen = JSON.stringify({ events, trail, bundles });
    expect(seen).toContain("octocat");
    expect(bundles[0]!.connections.map((c) => c.host).sort()).toEqual(["github.com", "gitlab.example.com"]);
    for (const secret of [token, "sbx1.", "test-client-secret", "seeded-"]) expect(seen, secret).not.toContain(secret);
  });
});
