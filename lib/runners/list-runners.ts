import { and, asc, countDistinct, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { hostAuthTokens, runners, scmIntegrations } from "@/db/schema";
import { fingerprintOf } from "../crypto/sealed-box";
import { AppError } from "../errors/app-error";
import { assertRole, type Actor } from "../users/actor";
import { runnerStatus, type RunnerStatus } from "./runner-status";

export type RunnerSummary = {
  id: string;
  name: string;
  status: RunnerStatus;
  version: string | null;
  keyId: string | null;
  publicKey: string | null;
  fingerprint: string | null;
  lastSeenAt: Date | null;
  registeredAt: Date | null;
  createdAt: Date;
  integrations: number;
  connectedUsers: number;
};

/** The organization's runners with status, key fingerprint and counts, in one query (admins). */
export async function listRunners(opts: { db: DbOrTx; actor: Actor; offlineAfterMs: number; runnerId?: string }): Promise<RunnerSummary[]> {
  assertRole(opts.actor, "admin");
  const rows = await opts.db
    .select({
      id: runners.id,
      name: runners.name,
      version: runners.version,
      keyId: runners.keyId,
      publicKey: runners.publicKey,
      lastSeenAt: runners.lastSeenAt,
      registeredAt: runners.registeredAt,
      createdAt: runners.createdAt,
      integrations: countDistinct(scmIntegrations.id),
      connectedUsers: countDistinct(hostAuthTokens.userId),
    })
    .from(runners)
    .leftJoin(scmIntegrations, eq(scmIntegrations.runnerId, runners.id))
    .leftJoin(hostAuthTokens, eq(hostAuthTokens.integrationId, scmIntegrations.id))
    .where(and(eq(runners.orgId, opts.actor.orgId), opts.runnerId ? eq(runners.id, opts.runnerId) : undefined))
    .groupBy(runners.id)
    .orderBy(asc(sql`lower(${runners.name})`));
  return Promise.all(
    rows.map(async (r) => ({
      ...r,
      status: runnerStatus(r, opts.offlineAfterMs),
      fingerprint: r.publicKey ? await fingerprintOf(r.publicKey) : null,
    })),
  );
}

/** One runner of the organization, or `not_found`. */
export async function findRunner(opts: { db: DbOrTx; actor: Actor; runnerId: string; offlineAfterMs: number }): Promise<RunnerSummary> {
  const [runner] = await listRunners(opts);
  if (!runner) throw new AppError("not_found");
  return runner;
}
