import crypto from "node:crypto";
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { groupMembers, groups, memberships, users, type Role } from "../../db/schema";
import { completeSetup } from "../../lib/orgs/complete-setup";

export type SeedOptions = {
  /** Users besides the admin. */
  users: number;
  groups: number;
  groupSize: number;
  adminEmail: string;
  adminPassword: string;
  chunkSize?: number;
};

export type SeedResult = {
  orgId: string;
  adminUserId: string;
  /** Members of the organization, admin included. */
  members: number;
  groups: number;
  groupMembers: number;
  ms: number;
};

/** Deterministic pseudo-random numbers (mulberry32), so every run seeds the same data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const FIRST = ["Ada", "Alan", "Barbara", "Dennis", "Edsger", "Frances", "Grace", "Ken", "Linus", "Margaret", "Niklaus", "Radia", "Sophie", "Tim", "Yukihiro"];
const LAST = ["Lovelace", "Turing", "Liskov", "Ritchie", "Dijkstra", "Allen", "Hopper", "Thompson", "Torvalds", "Hamilton", "Wirth", "Perlman", "Wilson", "Berners-Lee", "Matsumoto"];

async function insertChunked<T>(rows: T[], size: number, insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size));
}

/**
 * One organization as a large install has it: the admin (through the real first-run setup, so
 * the only argon2 hash computed is theirs), `users` more members bulk-inserted in chunks (no
 * password hash: they show as invited), a mix of roles, some disabled, and `groups` groups of
 * `groupSize` members each. Ends with ANALYZE so the planner sees realistic statistics.
 */
export async function seedOrganization(db: Db, opts: SeedOptions): Promise<SeedResult> {
  const started = Date.now();
  const chunk = opts.chunkSize ?? 1_000;
  const random = rng(42);
  const { orgId, userId: adminUserId } = await completeSetup({
    db,
    orgName: "Bench Org",
    name: "Bench Admin",
    email: opts.adminEmail,
    password: opts.adminPassword,
  });

  const now = Date.now();
  const day = 86_400_000;
  const userRows: Array<typeof users.$inferInsert> = [];
  const memberRows: Array<typeof memberships.$inferInsert> = [];
  const width = String(opts.users).length;
  for (let i = 1; i <= opts.users; i++) {
    const id = crypto.randomUUID();
    const n = String(i).padStart(width, "0");
    const first = FIRST[Math.floor(random() * FIRST.length)]!;
    const last = LAST[Math.floor(random() * LAST.length)]!;
    const createdAt = new Date(now - Math.floor(random() * 730) * day);
    userRows.push({
      id,
      email: `user${n}@bench.example`,
      name: `${first} ${last} ${n}`,
      passwordHash: null,
      disabledAt: random() < 0.03 ? new Date(now - Math.floor(random() * 90) * day) : null,
      lastSignInAt: random() < 0.6 ? new Date(now - Math.floor(random() * 60) * day) : null,
      createdAt,
    });
    const r = random();
    const role: Role = r < 0.005 ? "admin" : r < 0.025 ? "support" : "member";
    memberRows.push({ orgId, userId: id, role, createdAt });
  }
  await insertChunked(userRows, chunk, (c) => db.insert(users).values(c));
  await insertChunked(memberRows, chunk, (c) => db.insert(memberships).values(c));

  const groupRows = Array.from({ length: opts.groups }, (_, g) => ({
    id: crypto.randomUUID(),
    orgId,
    name: `Bench group ${String(g + 1).padStart(2, "0")}`,
    description: `Seeded by the benchmark (${opts.groupSize} members)`,
  }));
  if (groupRows.length > 0) await db.insert(groups).values(groupRows);
  const gmRows: Array<typeof groupMembers.$inferInsert> = [];
  const pool = userRows.map((u) => u.id!);
  for (let g = 0; g < groupRows.length; g++) {
    // A partial Fisher–Yates shuffle gives each group distinct members; groups overlap.
    for (let k = 0; k < Math.min(opts.groupSize, pool.length); k++) {
      const j = k + Math.floor(random() * (pool.length - k));
      [pool[k], pool[j]] = [pool[j]!, pool[k]!];
      gmRows.push({ groupId: groupRows[g]!.id, userId: pool[k]! });
    }
    if (g % 5 === 0) gmRows.push({ groupId: groupRows[g]!.id, userId: adminUserId });
  }
  await insertChunked(gmRows, chunk, (c) => db.insert(groupMembers).values(c).onConflictDoNothing());
  await db.execute(sql`analyze`);

  return {
    orgId,
    adminUserId,
    members: opts.users + 1,
    groups: groupRows.length,
    groupMembers: gmRows.length,
    ms: Date.now() - started,
  };
}
