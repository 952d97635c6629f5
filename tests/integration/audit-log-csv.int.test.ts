import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { setDatabaseForProcess, type Database } from "@/db/client";
import { auditLog } from "@/db/schema";
import type { Actor } from "@/lib/users/actor";
import { seedOrg, seedUser } from "../helpers/seed";
import { testEngines } from "../helpers/test-database";

/** The signed-in actor the mocked session answers with. */
const session = vi.hoisted(() => ({ actor: null as Actor | null }));
vi.mock("@/lib/auth/get-actor", () => ({
  getActor: async () => session.actor,
  requirePageActor: async () => session.actor,
}));

/** A strict RFC 4180 reader, to check the export parses back to what was stored. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  const endCell = () => {
    row.push(cell);
    cell = "";
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') {
      if (cell !== "") throw new Error(`stray quote at ${i}`);
      quoted = true;
    } else if (c === ",") endCell();
    else if (c === "\r" && text[i + 1] === "\n") {
      endCell();
      rows.push(row);
      row = [];
      i++;
    } else if (c === "\n" || c === "\r") throw new Error(`bare line break at ${i}`);
    else cell += c;
  }
  if (quoted || cell !== "" || row.length) throw new Error("unterminated last line");
  return rows;
}

describe.each(testEngines())("GET /api/audit-log/export on $name", (engine) => {
  let database: Database;
  let GET: (request: Request) => Promise<Response>;
  beforeAll(async () => {
    database = await engine.open();
    setDatabaseForProcess(database);
    ({ GET } = await import("@/app/api/audit-log/export/route"));
  });
  afterAll(async () => {
    setDatabaseForProcess(undefined);
    await database.close();
  });

  const get = (query = "") => GET(new Request(`http://localhost/api/audit-log/export${query}`));

  it("answers 401 signed out and 403 to members; admins and support get the same file", async () => {
    const { db } = database;
    const { orgId, admin } = await seedOrg(db);
    await db.insert(auditLog).values({ orgId, actorId: admin.userId, actorLabel: admin.email, action: "runner.created", targetType: "runner", targetLabel: "plain", after: { name: "plain" } });
    session.actor = null;
    expect((await get()).status).toBe(401);
    session.actor = await seedUser(db, orgId, "member");
    const refused = await get();
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: "forbidden" } });

    const bodies: string[] = [];
    for (const reader of [admin, await seedUser(db, orgId, "support")]) {
      session.actor = reader;
      const res = await get();
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
      expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="audit-log-\d{4}-\d\d-\d\d\.csv"$/);
      expect(res.headers.get("cache-control")).toBe("no-store");
      bodies.push(await res.text());
    }
    expect(bodies[0]).toBe(bodies[1]);
    const rows = parseCsv(bodies[0]!.replace(/^\uFEFF/, ""));
    expect(rows[0]).toEqual(["Time (UTC)", "Actor", "Actor email", "Action", "Action code", "Target type", "Target", "Target id", "Changes", "Before", "After"]);
    expect(rows.slice(1).map((r) => [r[1], r[2], r[3], r[6], r[8]])).toEqual([[admin.name, admin.email, "Created a runner", "plain", "name: (none) → plain"]]);
  });

  it("quotes commas, quotes and line breaks, defuses formulas, and exports only the filtered rows", async () => {
    const { db } = database;
    const { orgId, admin } = await seedOrg(db);
    const labels = ['=HYPERLINK("http://evil.example","open")', "+1+2", "-3", "@SUM(A1)", 'runner, "quoted"\nsecond line', "ordinary"];
    for (const [i, label] of labels.entries()) {
      await db.insert(auditLog).values({ orgId, at: new Date(Date.UTC(2025, 0, 1, 0, i)), actorLabel: "system", action: "group.created", targetType: "group", targetLabel: label, after: { name: label } });
    }
    await db.insert(auditLog).values({ orgId, actorLabel: "runner:edge", action: "runner.registered", targetType: "runner", targetLabel: "edge", after: { keyId: "k1", clientSecret: "canary-export-secret" } });
    session.actor = admin;

    const body = (await (await get("?type=group")).text()).replace(/^\uFEFF/, "");
    expect(body).toContain(`"'=HYPERLINK(""http://evil.example"",""open"")"`);
    const rows = parseCsv(body).slice(1);
    expect(rows.map((r) => r[6])).toEqual(["ordinary", 'runner, "quoted"\nsecond line', "'@SUM(A1)", "'-3", "'+1+2", `'=HYPERLINK("http://evil.example","open")`]);
    for (const cell of rows.flat()) expect(cell, cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(rows.every((r) => r[1] === "System" && r[3] === "Created a group")).toBe(true);

    const all = await (await get()).text();
    expect(all).toContain("Runner edge");
    expect(all).toContain("[REDACTED]");
    expect(all).not.toContain("canary-export-secret");
  });

  it("refuses a filter that does not parse with a typed error", async () => {
    const { admin } = await seedOrg(database.db);
    session.actor = admin;
    const res = await get("?type=spaceship&range=forever");
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "validation_failed", fieldErrors: { type: ["Not a target type"], range: ["Not a time range"] } } });
  });
});
