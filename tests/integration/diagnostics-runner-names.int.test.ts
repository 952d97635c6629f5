import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import { setDatabaseForProcess, type Database } from "@/db/client";
import { runners } from "@/db/schema";
import { buildSupportBundle } from "@/lib/diagnostics/build-support-bundle";
import { startAccessCheck } from "@/lib/diagnostics/check-access";
import { countFailures } from "@/lib/diagnostics/failure-counts";
import { listRunnerNames } from "@/lib/diagnostics/list-runner-names";
import { recordEvents } from "@/lib/diagnostics/record-event";
import { parseEventFilters } from "@/lib/diagnostics/schemas";
import { searchEvents } from "@/lib/diagnostics/search-events";
import type { Actor } from "@/lib/users/actor";
import { expectCode } from "../helpers/expect-code";
import { setupGitAuth } from "../helpers/git-auth-setup";
import { startRunnerApiServer, type RunnerApiServer } from "../helpers/runner-api-server";
import { seedUser } from "../helpers/seed";
import { testEngines } from "../helpers/test-database";

const session = vi.hoisted(() => ({ actor: null as Actor | null }));
vi.mock("@/lib/auth/get-actor", () => ({ getActor: async () => session.actor, requirePageActor: async () => session.actor }));

/**
 * Diagnostics' runner fields take a runner's name (suggested from one list on the page) instead
 * of three selects each carrying every runner's id: the search, Check access and the support
 * bundle find the runner by name, case-insensitively, within the actor's organization only; links
 * that still carry a runner's id keep working.
 */
describe.each(testEngines())("Diagnostics: runners by name on $name", (engine) => {
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

  it("reads the search's runner field as a name, or as an id from older links", () => {
    const id = "7f8c1c5e-8f3a-4c1b-9d55-0b6f1f3b2a10";
    const runnerOf = (runner: string) => {
      const { runnerId, runnerName } = parseEventFilters({ runner }).filters;
      return { runnerId, runnerName };
    };
    expect(runnerOf("build-eu-1")).toEqual({ runnerName: "build-eu-1" });
    expect(runnerOf(id.toUpperCase())).toEqual({ runnerId: id });
    expect(runnerOf("  ")).toEqual({});
    expect(parseEventFilters({ runner: "x".repeat(101) }).errors.runner).toBeTruthy();
  });

  it("searches, counts, checks access and bundles by runner name, case-insensitively, in the actor's organization only", async () => {
    const { db } = database;
    const { orgId, admin, member, seeded } = await setupGitAuth(db, api.url);
    const [{ name } = { name: "" }] = await db.select({ name: runners.name }).from(runners).where(eq(runners.id, seeded.runnerId));
    const [other] = await db.insert(runners).values({ orgId, name: "Other runner" }).returning({ id: runners.id });
    const support = await seedUser(db, orgId, "support");
    const at = new Date();
    await recordEvents(db, [
      { orgId, operation: "clone", stage: "request", outcome: "failed", errorCode: "repository_not_found", runnerId: seeded.runnerId, userId: member.userId, host: "github.com", at },
      { orgId, operation: "clone", stage: "request", outcome: "failed", errorCode: "repository_not_found", runnerId: other!.id, userId: member.userId, host: "github.com", at },
    ]);
    const filters = (runner: string) => parseEventFilters({ runner, range: "1h" }).filters;

    expect(await listRunnerNames({ db, actor: support })).toEqual([name, "Other runner"].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
    await expectCode(listRunnerNames({ db, actor: member }), "forbidden");

    const byName = await searchEvents({ db, actor: support, filters: filters(name.toUpperCase()) });
    expect(byName.map((e) => e.runnerId)).toEqual([seeded.runnerId]);
    expect((await searchEvents({ db, actor: support, filters: filters(seeded.runnerId) })).map((e) => e.runnerId)).toEqual([seeded.runnerId]);
    expect(await searchEvents({ db, actor: support, filters: filters("no such runner") })).toEqual([]);
    const counts = await countFailures({ db, actor: support, filters: filters("other RUNNER") });
    expect(JSON.stringify(counts)).toContain("repository_not_found");

    // Another organization's admin, typing this organization's runner name, finds nothing.
    const outsider = await setupGitAuth(db, api.url);
    expect(await searchEvents({ db, actor: outsider.admin, filters: filters(name) })).toEqual([]);

    const view = await startAccessCheck({ db, actor: support, input: { userEmail: member.email, repoUrl: "https://github.com/acme/app", runnerName: name.toUpperCase() }, allowLoopback: false, offlineAfterMs: 45_000 });
    expect(view.subject.runnerName).toBe(name);
    const offering = await startAccessCheck({ db, actor: support, input: { userEmail: member.email, repoUrl: "https://github.com/acme/app", runnerName: "Other runner" }, allowLoopback: false, offlineAfterMs: 45_000 });
    expect(offering.subject.runnerName).toBe("Other runner");
    expect(offering.steps.find((s) => s.state === "failed")).toBeTruthy();
    const unknown = await startAccessCheck({ db, actor: support, input: { userEmail: member.email, repoUrl: "https://github.com/acme/app", runnerName: "no such runner" }, allowLoopback: false, offlineAfterMs: 45_000 }).catch((e: unknown) => e);
    expect(unknown).toMatchObject({ code: "not_found", fieldErrors: { runner: [expect.any(String)] } });
    await expectCode(startAccessCheck({ db, actor: outsider.admin, input: { userEmail: outsider.member.email, repoUrl: "https://github.com/acme/app", runnerName: name }, allowLoopback: false, offlineAfterMs: 45_000 }), "not_found");

    const bundle = await buildSupportBundle({ db, actor: admin, target: { runnerName: name.toLowerCase() }, offlineAfterMs: 45_000 });
    expect(bundle.target).toEqual({ runnerId: seeded.runnerId });
    await expectCode(buildSupportBundle({ db, actor: outsider.admin, target: { runnerName: name }, offlineAfterMs: 45_000 }), "not_found");

    // The download route takes the form's `runner` (a name) as well as `runnerId`.
    const route = await import("@/app/api/diagnostics/bundle/route");
    session.actor = support;
    const res = await route.GET(new Request(`http://localhost/api/diagnostics/bundle?runner=${encodeURIComponent(name)}`));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { target: unknown }).target).toEqual({ runnerId: seeded.runnerId });
    session.actor = outsider.admin;
    expect((await route.GET(new Request(`http://localhost/api/diagnostics/bundle?runner=${encodeURIComponent(name)}`))).status).toBe(404);
  });
});
