import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queriesIssued, type Database } from "@/db/client";
import { recordEvents, type ScmEventInput } from "@/lib/diagnostics/record-event";
import { parseEventFilters } from "@/lib/diagnostics/schemas";
import { countFailures } from "@/lib/diagnostics/failure-counts";
import { listRunnerNames } from "@/lib/diagnostics/list-runner-names";
import { searchOperations } from "@/lib/diagnostics/search-operations";
import { seedOrg, seedUser } from "../helpers/seed";
import { testEngines } from "../helpers/test-database";

/**
 * Diagnostics listed one row per stage (50 rows, mostly "Started", no paging), showed "—" as the
 * user of an admin's own change and listed support's Check access runs under the member. It now
 * lists one row per operation (correlation id) with its stages, a page at a time, and tells the
 * actor from the person the operation was for.
 */
describe.each(testEngines())("Diagnostics: operations on $name", (engine) => {
  let database: Database;
  beforeAll(async () => {
    database = await engine.open();
  });
  afterAll(async () => {
    await database.close();
  });

  it("groups stages by correlation id, pages newest first, and names actor and subject", async () => {
    const { db } = database;
    const { orgId, admin } = await seedOrg(db, "Ops org");
    const member = await seedUser(db, orgId, "member");
    const support = await seedUser(db, orgId, "support");
    const other = await seedOrg(db, "Other org");
    const t0 = Date.now() - 60_000;
    const at = (s: number) => new Date(t0 + s * 1000);
    const events: ScmEventInput[] = [
      // An admin creates an integration: nobody else concerned.
      { orgId, operation: "integration.create", stage: "requested", outcome: "started", actorType: "user", actorId: admin.userId, host: "git.example.com", correlationId: "op-create", at: at(1) },
      { orgId, operation: "integration.create", stage: "saved", outcome: "succeeded", actorType: "user", actorId: admin.userId, host: "git.example.com", correlationId: "op-create", at: at(2) },
      // Support checks the member's access; it fails.
      { orgId, operation: "access.check", stage: "requested", outcome: "started", actorType: "user", actorId: support.userId, userId: member.userId, host: "git.example.com", correlationId: "op-check", at: at(3) },
      { orgId, operation: "access.check", stage: "runner", outcome: "failed", actorType: "user", actorId: support.userId, userId: member.userId, host: "git.example.com", errorCode: "runner_offline", correlationId: "op-check", at: at(4) },
      // Three single-stage operations without a correlation id.
      ...[5, 6, 7].map((s): ScmEventInput => ({ orgId, operation: "token.refresh", stage: "done", outcome: "succeeded", actorType: "system", userId: member.userId, correlationId: null, at: at(s) })),
      // Another organization's operation is never listed.
      { orgId: other.orgId, operation: "clone", stage: "requested", outcome: "failed", actorType: "system", errorCode: "runner_offline", correlationId: "op-elsewhere", at: at(8) },
    ];
    expect(await recordEvents(db, events)).toBe(true);
    const { filters } = parseEventFilters({ range: "1h" });

    const all = await searchOperations({ db, actor: support, filters, pageSize: 2 });
    expect(all.total).toBe(5);
    expect(all.pageCount).toBe(3);
    expect(all.operations.map((o) => o.operation)).toEqual(["token.refresh", "token.refresh"]);
    const last = await searchOperations({ db, actor: support, filters, pageSize: 2, page: 3 });
    expect(last.operations.map((o) => o.key)).toEqual(["op-create"]);
    // A page past the end shows the last one.
    expect((await searchOperations({ db, actor: support, filters, pageSize: 2, page: 99 })).page).toBe(3);

    const page = await searchOperations({ db, actor: admin, filters });
    const create = page.operations.find((o) => o.key === "op-create")!;
    expect(create).toMatchObject({ outcome: "succeeded", stageCount: 2, actor: { type: "user", email: admin.email }, subjectEmail: null, host: "git.example.com" });
    expect(create.stages.map((e) => e.stage)).toEqual(["requested", "saved"]);
    const check = page.operations.find((o) => o.key === "op-check")!;
    expect(check).toMatchObject({ outcome: "failed", errorCode: "runner_offline", actor: { type: "user", email: support.email }, subjectEmail: member.email });
    expect(page.operations.filter((o) => o.operation === "token.refresh").every((o) => o.actor.type === "system" && o.subjectEmail === member.email)).toBe(true);

    // Filters: outcome, operation, and a user as actor or as subject.
    const keys = async (query: Record<string, string>) => (await searchOperations({ db, actor: admin, filters: parseEventFilters({ range: "1h", ...query }).filters })).operations.map((o) => o.key);
    expect(await keys({ outcome: "failed" })).toEqual(["op-check"]);
    expect(await keys({ failures: "1" })).toEqual(["op-check"]);
    expect(await keys({ outcome: "succeeded" })).not.toContain("op-check");
    expect(await keys({ operation: "integration.create" })).toEqual(["op-create"]);
    expect(await keys({ email: support.email })).toEqual(["op-check"]);
    expect(await keys({ email: admin.email })).toEqual(["op-create"]);
    expect((await keys({ email: member.email })).length).toBe(4);
    expect(await searchOperations({ db, actor: other.admin, filters: parseEventFilters({ range: "1h", email: member.email }).filters })).toMatchObject({ total: 0, operations: [] });
  });

  it("reads the page's data in four queries: runner names, a page of operations with the total, their stages, the failures chart", async () => {
    // The page issued six (the total counted apart from the page's keys), over the settings pages' budget of five with the actor's.
    const { db } = database;
    const { orgId, admin } = await seedOrg(db, "Counted org");
    const at = (s: number) => new Date(Date.now() - 60_000 + s * 1000);
    const events = [1, 2, 3].flatMap((n): ScmEventInput[] => [
      { orgId, operation: "clone", stage: "requested", outcome: "started", actorType: "user", actorId: admin.userId, correlationId: `op-${n}`, at: at(n) },
      { orgId, operation: "clone", stage: "runner", outcome: "failed", actorType: "runner", errorCode: "runner_offline", correlationId: `op-${n}`, at: at(n) },
    ]);
    expect(await recordEvents(db, events)).toBe(true);
    const { filters } = parseEventFilters({ range: "1h" });

    const before = queriesIssued();
    const [names, result, counts] = await Promise.all([listRunnerNames({ db, actor: admin }), searchOperations({ db, actor: admin, filters, pageSize: 2 }), countFailures({ db, actor: admin, filters })]);
    expect(queriesIssued() - before).toBe(4);
    expect(names).toEqual([]);
    expect(result).toMatchObject({ total: 3, page: 1, pageCount: 2 });
    expect(result.operations.map((o) => [o.key, o.stageCount])).toEqual([["op-3", 2], ["op-2", 2]]);
    expect(counts.codes).toEqual([{ code: "runner_offline", total: 3 }]);

    // The last page costs the same; only a page past the end asks again for the last one.
    const last = queriesIssued();
    expect((await searchOperations({ db, actor: admin, filters, pageSize: 2, page: 2 })).operations.map((o) => o.key)).toEqual(["op-1"]);
    expect(queriesIssued() - last).toBe(2);
    expect(await searchOperations({ db, actor: admin, filters: parseEventFilters({ range: "1h", code: "pat_invalid" }).filters })).toMatchObject({ total: 0, page: 1, pageCount: 1, operations: [] });
  });
});
