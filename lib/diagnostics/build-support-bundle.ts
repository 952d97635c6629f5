import { and, desc, eq, gte, inArray, or, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { environments, hostAuthTokens, memberships, runnerJobs, runners, scmEvents, scmIntegrations, users } from "@/db/schema";
import { fingerprintOf } from "../crypto/sealed-box";
import { AppError } from "../errors/app-error";
import { runnerStatus } from "../runners/runner-status";
import { assertRole, type Actor } from "../users/actor";
import { sanitizeText } from "./sanitize-detail";
import { eventConditions, selectNamedEvents, toDiagnosticEvent } from "./search-events";

/** One member by email, or one runner by id or by name (case-insensitive). */
export type BundleTarget = { userEmail: string } | { runnerId: string } | { runnerName: string };

/** How far back a bundle looks, and how much trail it carries. */
const BUNDLE_DAYS = 14;
const BUNDLE_EVENTS = 500;
const BUNDLE_JOBS = 100;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * A support bundle (admins and support): one member's or one runner's recent diagnostic trail and
 * configuration state, as JSON to attach to a ticket. Built from an allow-list of columns: no
 * sealed box, token, client secret, job payload or job result is ever read, so none can leak;
 * free text (runner messages) is sanitized again.
 */
export async function buildSupportBundle(opts: { db: DbOrTx; actor: Actor; target: BundleTarget; offlineAfterMs: number; now?: Date }) {
  assertRole(opts.actor, "admin", "support");
  const now = opts.now ?? new Date();
  const since = new Date(now.getTime() - BUNDLE_DAYS * 86_400_000);
  const orgId = opts.actor.orgId;

  let member: { id: string; email: string; name: string; role: string; disabledAt: Date | null } | null = null;
  let runnerIds: string[];
  if ("userEmail" in opts.target) {
    const [row] = await opts.db
      .select({ id: users.id, email: users.email, name: users.name, role: memberships.role, disabledAt: users.disabledAt })
      .from(users)
      .innerJoin(memberships, and(eq(memberships.userId, users.id), eq(memberships.orgId, orgId)))
      .where(sql`lower(${users.email}) = lower(${opts.target.userEmail.trim()})`);
    if (!row) throw new AppError("not_found", { fieldErrors: { userEmail: ["No member of your organization has this email address."] } });
    member = row;
    const used = await opts.db.selectDistinct({ runnerId: hostAuthTokens.runnerId }).from(hostAuthTokens).where(and(eq(hostAuthTokens.orgId, orgId), eq(hostAuthTokens.userId, row.id)));
    runnerIds = used.map((r) => r.runnerId);
  } else {
    const which = "runnerId" in opts.target ? eq(runners.id, opts.target.runnerId) : sql`lower(${runners.name}) = lower(${opts.target.runnerName.trim()})`;
    const [row] = await opts.db.select({ id: runners.id }).from(runners).where(and(eq(runners.orgId, orgId), which));
    if (!row) throw new AppError("not_found", { fieldErrors: "runnerId" in opts.target ? { runnerId: ["Unknown runner"] } : { runner: ["No runner of your organization has this name."] } });
    runnerIds = [row.id];
  }

  const runnerRows = runnerIds.length
    ? await opts.db
        .select({ id: runners.id, name: runners.name, version: runners.version, publicKey: runners.publicKey, keyId: runners.keyId, registeredAt: runners.registeredAt, lastSeenAt: runners.lastSeenAt })
        .from(runners)
        .where(and(eq(runners.orgId, orgId), inArray(runners.id, runnerIds)))
    : [];
  const integrationRows = runnerIds.length ? await opts.db.select().from(scmIntegrations).where(and(eq(scmIntegrations.orgId, orgId), inArray(scmIntegrations.runnerId, runnerIds))) : [];
  const connections = await opts.db
    .select({
      runnerId: hostAuthTokens.runnerId,
      integrationId: hostAuthTokens.integrationId,
      userId: hostAuthTokens.userId,
      host: hostAuthTokens.host,
      source: hostAuthTokens.source,
      keyId: hostAuthTokens.keyId,
      scopes: hostAuthTokens.scopes,
      subjectLogin: hostAuthTokens.subjectLogin,
      expiresAt: hostAuthTokens.expiresAt,
      generation: hostAuthTokens.generation,
      needsReauthReason: hostAuthTokens.needsReauthReason,
      refreshable: sql<boolean>`${hostAuthTokens.refreshTokenSealed} is not null`,
      lastValidatedAt: hostAuthTokens.lastValidatedAt,
      lastUsedAt: hostAuthTokens.lastUsedAt,
    })
    .from(hostAuthTokens)
    .where(and(eq(hostAuthTokens.orgId, orgId), member ? eq(hostAuthTokens.userId, member.id) : inArray(hostAuthTokens.runnerId, runnerIds.length ? runnerIds : ["00000000-0000-0000-0000-000000000000"])));
  const jobs = await opts.db
    .select({ id: runnerJobs.id, runnerId: runnerJobs.runnerId, kind: runnerJobs.kind, status: runnerJobs.status, attempts: runnerJobs.attempts, progress: runnerJobs.progress, errorCode: runnerJobs.errorCode, errorMessage: runnerJobs.errorMessage, correlationId: runnerJobs.correlationId, createdAt: runnerJobs.createdAt, finishedAt: runnerJobs.finishedAt })
    .from(runnerJobs)
    .where(
      and(
        eq(runnerJobs.orgId, orgId),
        gte(runnerJobs.createdAt, since),
        // The person a job is for, as `runner_jobs_org_person_created_idx` indexes it.
        member ? sql`coalesce(${runnerJobs.payload}->>'userId', ${runnerJobs.payload}->>'ownerId') = ${member.id}` : inArray(runnerJobs.runnerId, runnerIds),
      ),
    )
    .orderBy(desc(runnerJobs.createdAt))
    .limit(BUNDLE_JOBS);
  const envs = member
    ? await opts.db
        .select({ id: environments.id, runnerId: environments.runnerId, host: environments.host, repoUrl: environments.repoUrl, status: environments.status, errorCode: environments.errorCode, createdAt: environments.createdAt })
        .from(environments)
        .where(and(eq(environments.orgId, orgId), eq(environments.ownerId, member.id)))
        .orderBy(desc(environments.createdAt))
        .limit(50)
    : [];
  // A member's events are the ones about them or by them, chosen in SQL (not from the organization's newest).
  const events = (
    await selectNamedEvents(opts.db)
      .where(and(...eventConditions(opts.actor, { from: since, to: now, ...(member ? {} : { runnerId: runnerIds[0] }) }), member ? or(eq(scmEvents.userId, member.id), eq(scmEvents.actorId, member.id)) : undefined))
      .orderBy(desc(scmEvents.at), desc(scmEvents.id))
      .limit(BUNDLE_EVENTS)
  ).map(toDiagnosticEvent);
  const keyOf = new Map(runnerRows.map((r) => [r.id, r.keyId]));

  return {
    kind: "scm-support-bundle",
    version: 1,
    generatedAt: now.toISOString(),
    generatedBy: { email: opts.actor.email, role: opts.actor.role },
    organization: { id: orgId, name: opts.actor.orgName },
    target: member ? { member: { id: member.id, email: member.email, name: member.name, role: member.role, disabled: member.disabledAt !== null } } : { runnerId: runnerIds[0] },
    periodDays: BUNDLE_DAYS,
    runners: await Promise.all(
      runnerRows.map(async (r) => ({
        id: r.id,
        name: r.name,
        status: runnerStatus(r, opts.offlineAfterMs, now.getTime()),
        version: r.version,
        keyFingerprint: r.publicKey ? await fingerprintOf(r.publicKey) : null,
        registeredAt: iso(r.registeredAt),
        lastSeenAt: iso(r.lastSeenAt),
        integrations: integrationRows
          .filter((i) => i.runnerId === r.id)
          .map((i) => ({
            id: i.id,
            provider: i.provider,
            host: i.host,
            baseUrl: i.baseUrl,
            issuerUrl: i.issuerUrl,
            virtualDirectory: i.virtualDirectory,
            oauth: { enabled: i.oauthEnabled, clientId: i.oauthClientId, clientSecretStored: i.oauthClientSecretSealed !== null, secretSealedToCurrentKey: i.oauthSecretKeyId !== null && i.oauthSecretKeyId === r.keyId, scopes: i.oauthScopes },
            personalTokens: { enabled: i.patEnabled, scopes: i.patScopes },
            lastTest: i.lastTestedAt ? { at: iso(i.lastTestedAt), ok: i.lastTestOk } : null,
          })),
      })),
    ),
    connections: connections.map((c) => ({
      runnerId: c.runnerId,
      integrationId: c.integrationId,
      userId: c.userId,
      host: c.host,
      method: c.source,
      login: c.subjectLogin,
      scopes: c.scopes,
      expiresAt: iso(c.expiresAt),
      refreshable: Boolean(c.refreshable),
      generation: c.generation,
      sealedToCurrentRunnerKey: keyOf.get(c.runnerId) === c.keyId,
      needsReauthReason: c.needsReauthReason,
      lastValidatedAt: iso(c.lastValidatedAt),
      lastUsedAt: iso(c.lastUsedAt),
    })),
    environments: envs.map((e) => ({ ...e, createdAt: iso(e.createdAt) })),
    jobs: jobs.map((j) => ({ ...j, errorMessage: j.errorMessage ? sanitizeText(j.errorMessage) : null, createdAt: iso(j.createdAt), finishedAt: iso(j.finishedAt) })),
    trail: events.map((e) => ({
      at: e.at.toISOString(),
      correlationId: e.correlationId,
      operation: e.operation,
      stage: e.stage,
      outcome: e.outcome,
      errorCode: e.errorCode,
      durationMs: e.durationMs,
      actor: e.actorType === "user" ? (e.actorEmail ?? e.actorId) : e.actorType,
      userEmail: e.userEmail,
      runner: e.runnerName ?? e.runnerId,
      host: e.host,
      provider: e.provider,
      jobId: e.jobId,
      detail: e.detail,
    })),
  };
}

export type SupportBundle = Awaited<ReturnType<typeof buildSupportBundle>>;
