import { and, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { runners } from "@/db/schema";
import { fingerprintOf } from "../crypto/sealed-box";
import { assertRole, type Actor } from "../users/actor";
import { runnerStatus, type RunnerStatus } from "./runner-status";

export type RunnerLiveState = {
  id: string;
  status: RunnerStatus;
  lastSeenAt: Date | null;
  version: string | null;
  keyId: string | null;
  fingerprint: string | null;
};

/**
 * The live state (status, last seen, version, key) of the given runners of the organization
 * (admins), for the pages that poll it: one light query on `runners` alone, no counts. Ids of
 * unknown runners or of another organization's are left out of the answer.
 */
export async function listRunnerStatuses(opts: { db: DbOrTx; actor: Actor; runnerIds: string[]; offlineAfterMs: number }): Promise<RunnerLiveState[]> {
  assertRole(opts.actor, "admin");
  if (opts.runnerIds.length === 0) return [];
  const rows = await opts.db
    .select({ id: runners.id, version: runners.version, keyId: runners.keyId, publicKey: runners.publicKey, lastSeenAt: runners.lastSeenAt, registeredAt: runners.registeredAt })
    .from(runners)
    .where(and(eq(runners.orgId, opts.actor.orgId), inArray(runners.id, opts.runnerIds)));
  return Promise.all(
    rows.map(async (r) => ({
      id: r.id,
      status: runnerStatus(r, opts.offlineAfterMs),
      lastSeenAt: r.lastSeenAt,
      version: r.version,
      keyId: r.keyId,
      fingerprint: r.publicKey ? await fingerprintOf(r.publicKey) : null,
    })),
  );
}
