import crypto from "node:crypto";
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import {
  agentActivity,
  environments,
  hostAuthTokens,
  memberships,
  runnerJobs,
  runners,
  scmEvents,
  scmIntegrations,
  users,
  type ProviderIdDb,
} from "../../db/schema";
import { generateKeyPair, keyIdOf } from "../../lib/crypto/sealed-box";
import { hashPassword } from "../../lib/passwords/passwords";
import { rng } from "./seed";
import { agentActivityRows, environmentTrailRows, scmEventRows } from "./trail-seed";

export type SettingsSeedOptions = {
  orgId: string;
  adminUserId: string;
  /** A member (role `member`) who gets a password, so the benchmark can sign in as them. */
  memberPassword: string;
  runners: number;
  /** Registered runners without any integration at the end of the list (never registered). */
  unregisteredRunners: number;
  tokens: number;
  environments: number;
  agentActivity: number;
  scmEvents: number;
  chunkSize?: number;
};

export type SettingsSeedResult = {
  memberEmail: string;
  memberUserId: string;
  runners: number;
  /** The runner with the most integrations (github.com, gitlab.com and a GitHub Enterprise host). */
  detailRunner: { id: string; name: string; hosts: string[] };
  /** A ready environment of the admin's with its clone's path and OS user and a full trail: the environment page's subject. */
  detailEnvironment: { id: string; name: string; clonePath: string };
  integrations: number;
  tokens: number;
  /** Tokens of the admin and of the member (each also sees every integration as a row). */
  adminTokens: number;
  memberTokens: number;
  environments: number;
  adminEnvironments: number;
  memberEnvironments: number;
  runnerJobs: number;
  agentActivity: number;
  scmEvents: number;
  ms: number;
};

type IntegrationSeed = { id: string; runnerId: string; runnerIndex: number; keyId: string; host: string; provider: ProviderIdDb; oauth: boolean };
type TokenSeed = { integration: IntegrationSeed; userId: string };

const DAY = 86_400_000;
const ENTERPRISE_HOSTS = 5;

async function insertChunked<T>(rows: T[], size: number, insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size));
}

/** A sealed box's shape (`sbx1.<keyId>.<base64url>`) around random bytes: the pages never open one. */
function fakeSealed(keyId: string, bytes: number): string {
  return `sbx1.${keyId}.${crypto.randomBytes(bytes).toString("base64url")}`;
}

/**
 * The runners side of a large install, bulk-inserted next to `seedOrganization`'s members:
 * `runners` runners with X25519 keys (the last `unregisteredRunners` never registered), Git
 * provider integrations on them (github.com on every registered runner, gitlab.com on every 4th,
 * one of five GitHub Enterprise hosts on every 10th), `tokens` host credentials (random ciphertext
 * of a sealed box's shape, unique per runner, host and user) spread over the members with a share
 * for the admin and one member, and environments, agent tool calls and diagnostic events for the
 * Environments, Agents and Diagnostics pages. Deterministic apart from ids and ciphertext.
 */
export async function seedSettingsData(db: Db, opts: SettingsSeedOptions): Promise<SettingsSeedResult> {
  const started = Date.now();
  const chunk = opts.chunkSize ?? 1_000;
  const random = rng(7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const now = Date.now();
  const ago = (maxMs: number) => new Date(now - Math.floor(random() * maxMs));

  const [member] = await db
    .select({ id: users.id, email: users.email })
    .from(users)
    .innerJoin(memberships, eq(memberships.userId, users.id))
    .where(and(eq(memberships.orgId, opts.orgId), eq(memberships.role, "member"), isNull(users.disabledAt)))
    .orderBy(asc(users.email))
    .limit(1);
  if (!member) throw new Error("the organization has no enabled member to sign in as");
  await db.update(users).set({ passwordHash: await hashPassword(opts.memberPassword) }).where(eq(users.id, member.id));
  const userIds = (await db.select({ id: memberships.userId }).from(memberships).where(eq(memberships.orgId, opts.orgId))).map((r) => r.id);

  // Runners: key pairs made the way runners make theirs; online, offline and never registered.
  const width = String(opts.runners).length;
  const runnerRows: Array<typeof runners.$inferInsert & { id: string; keyId: string | null }> = [];
  for (let i = 1; i <= opts.runners; i++) {
    const registered = i <= opts.runners - opts.unregisteredRunners;
    const publicKey = registered ? (await generateKeyPair()).publicKey : null;
    const registeredAt = registered ? ago(365 * DAY) : null;
    runnerRows.push({
      id: crypto.randomUUID(),
      orgId: opts.orgId,
      name: `bench-runner-${String(i).padStart(width, "0")}`,
      publicKey,
      keyId: publicKey ? await keyIdOf(publicKey) : null,
      version: registered ? pick(["1.4.2", "1.4.1", "1.3.9"]) : null,
      registeredAt,
      lastSeenAt: registered ? (random() < 0.7 ? new Date(now - Math.floor(random() * 20_000)) : ago(30 * DAY)) : null,
      createdAt: registeredAt ?? ago(7 * DAY),
    });
  }
  await insertChunked(runnerRows, chunk, (c) => db.insert(runners).values(c));

  const integrations: IntegrationSeed[] = [];
  runnerRows.forEach((r, index) => {
    if (!r.keyId) return;
    const i = index + 1;
    const at = (host: string, provider: ProviderIdDb, oauth: boolean) =>
      integrations.push({ id: crypto.randomUUID(), runnerId: r.id, runnerIndex: index, keyId: r.keyId!, host, provider, oauth });
    at("github.com", "github", true);
    if (i % 4 === 1) at("gitlab.com", "gitlab", true);
    if (i % 10 === 1) at(`github.bench-${Math.floor(i / 10) % ENTERPRISE_HOSTS}.example`, "github", false);
  });
  await insertChunked(integrations, chunk, (c) =>
    db.insert(scmIntegrations).values(
      c.map((x) => ({
        id: x.id,
        orgId: opts.orgId,
        runnerId: x.runnerId,
        provider: x.provider,
        host: x.host,
        baseUrl: `https://${x.host}`,
        oauthEnabled: x.oauth,
        oauthClientId: x.oauth ? `Iv1.${crypto.randomBytes(8).toString("hex")}` : null,
        oauthClientSecretSealed: x.oauth ? fakeSealed(x.keyId, 140) : null,
        oauthSecretKeyId: x.oauth ? x.keyId : null,
        patEnabled: true,
        lastTestedAt: ago(30 * DAY),
        lastTestOk: true,
      })),
    ),
  );

  // Tokens: unique (runner, host, user) — an integration is one runner and host. The admin and
  // the member hold one on each of the first runner's integrations and a few more elsewhere.
  const taken = new Set<string>();
  const tokenSeeds: TokenSeed[] = [];
  const addToken = (integration: IntegrationSeed, userId: string) => {
    const key = `${integration.id}:${userId}`;
    if (taken.has(key)) return false;
    taken.add(key);
    tokenSeeds.push({ integration, userId });
    return true;
  };
  for (const featured of [opts.adminUserId, member.id]) {
    for (const integration of integrations.filter((x) => x.runnerIndex === 0)) addToken(integration, featured);
    for (let k = 0; k < 20; k++) addToken(pick(integrations), featured);
  }
  while (tokenSeeds.length < opts.tokens) addToken(pick(integrations), pick(userIds));
  const tokenRows = tokenSeeds.map(({ integration: x, userId }) => {
    const source = x.oauth && random() < 0.7 ? "oauth" : "pat";
    const r = random();
    return {
      orgId: opts.orgId,
      runnerId: x.runnerId,
      integrationId: x.id,
      userId,
      host: x.host,
      source,
      tokenSealed: fakeSealed(x.keyId, 300),
      refreshTokenSealed: source === "oauth" && x.provider === "gitlab" ? fakeSealed(x.keyId, 300) : null,
      keyId: x.keyId,
      scopes: x.provider === "gitlab" ? ["api", "read_user"] : ["repo", "read:user"],
      subjectLogin: `login-${userId.slice(0, 8)}`,
      expiresAt: source === "pat" ? new Date(now + (r < 0.05 ? -1 : 1) * (DAY + Math.floor(random() * 180 * DAY))) : x.provider === "gitlab" ? new Date(now + 2 * 3_600_000) : null,
      needsReauthReason: r > 0.97 ? "revoked" : r > 0.96 ? "refresh_failed" : null,
      lastValidatedAt: ago(30 * DAY),
      lastUsedAt: random() < 0.8 ? ago(14 * DAY) : null,
      createdAt: ago(365 * DAY),
    } satisfies typeof hostAuthTokens.$inferInsert;
  });
  await insertChunked(tokenRows, chunk, (c) => db.insert(hostAuthTokens).values(c));

  // Environments, each cloned with one of its owner's tokens; some failed, some still cloning.
  const byUser = new Map<string, TokenSeed[]>();
  for (const t of tokenSeeds) {
    const list = byUser.get(t.userId);
    if (list) list.push(t);
    else byUser.set(t.userId, [t]);
  }
  const owners: string[] = [...Array<string>(40).fill(opts.adminUserId), ...Array<string>(25).fill(member.id)];
  while (owners.length < opts.environments) owners.push(pick(tokenSeeds).userId);
  const envRows: Array<typeof environments.$inferInsert & { id: string; ownerId: string; runnerId: string; host: string; repoPath: string }> = [];
  const jobRows: Array<typeof runnerJobs.$inferInsert> = [];
  owners.forEach((ownerId, n) => {
    const t = pick(byUser.get(ownerId)!);
    const repo = `repo-${String(n % 400).padStart(3, "0")}`;
    const createdAt = ago(180 * DAY);
    const r = random();
    const status = r < 0.85 ? "ready" : r < 0.95 ? "failed" : "creating";
    const id = crypto.randomUUID();
    const jobId = status === "creating" ? crypto.randomUUID() : null;
    if (jobId) {
      jobRows.push({ id: jobId, orgId: opts.orgId, runnerId: t.integration.runnerId, kind: "environment.create", payload: { environmentId: id }, idempotencyKey: `env:${id}`, status: "running", attempts: 1, progress: "receiving_objects: 42%", createdAt });
    }
    envRows.push({
      id,
      orgId: opts.orgId,
      ownerId,
      runnerId: t.integration.runnerId,
      integrationId: t.integration.id,
      name: repo,
      repoUrl: `https://${t.integration.host}/bench-org/${repo}.git`,
      host: t.integration.host,
      repoPath: `bench-org/${repo}`,
      branch: random() < 0.3 ? "main" : null,
      status,
      errorCode: status === "failed" ? pick(["repository_not_found", "credential_needs_reauth", "host_unreachable"]) : null,
      errorMessage: status === "failed" ? "Seeded failure" : null,
      jobId,
      createdAt,
      readyAt: status === "ready" ? new Date(createdAt.getTime() + 30_000) : null,
    });
  });
  // The environment page's subject: the admin's first ready environment, as the runner reported its clone.
  const detail = envRows.find((e) => e.ownerId === opts.adminUserId && e.status === "ready");
  if (!detail) throw new Error("the admin has no ready environment to open");
  Object.assign(detail, { branch: "main", clonePath: `/var/lib/scm-runner/environments/${detail.id}/${detail.name}`, osUser: `scm-env-${detail.id.slice(0, 8)}` });
  await insertChunked(jobRows, chunk, (c) => db.insert(runnerJobs).values(c));
  await insertChunked(envRows, chunk, (c) => db.insert(environments).values(c));

  // Agent tool calls in those environments, a tenth of them in the admin's and the member's.
  const featured = new Set([opts.adminUserId, member.id]);
  const activityRows = agentActivityRows({ orgId: opts.orgId, environments: envRows, featured, count: opts.agentActivity, random });
  await insertChunked(activityRows, chunk, (c) => db.insert(agentActivity).values(c));
  const eventRows = [
    ...scmEventRows({ orgId: opts.orgId, tokens: tokenSeeds, count: opts.scmEvents, random }),
    // More than the page lists of each kind (30 and 20): it shows the newest.
    ...environmentTrailRows({ orgId: opts.orgId, environment: detail, integrationId: detail.integrationId!, history: 40, gitRequests: 25, random }),
  ];
  await insertChunked(eventRows, chunk, (c) => db.insert(scmEvents).values(c));
  await db.execute(sql`analyze`);

  const first = runnerRows[0]!;
  return {
    memberEmail: member.email,
    memberUserId: member.id,
    runners: runnerRows.length,
    detailRunner: { id: first.id, name: first.name!, hosts: integrations.filter((x) => x.runnerIndex === 0).map((x) => x.host) },
    detailEnvironment: { id: detail.id, name: detail.name, clonePath: detail.clonePath! },
    integrations: integrations.length,
    tokens: tokenRows.length,
    adminTokens: tokenSeeds.filter((t) => t.userId === opts.adminUserId).length,
    memberTokens: tokenSeeds.filter((t) => t.userId === member.id).length,
    environments: envRows.length,
    adminEnvironments: envRows.filter((e) => e.ownerId === opts.adminUserId).length,
    memberEnvironments: envRows.filter((e) => e.ownerId === member.id).length,
    runnerJobs: jobRows.length,
    agentActivity: activityRows.length,
    scmEvents: eventRows.length,
    ms: Date.now() - started,
  };
}
