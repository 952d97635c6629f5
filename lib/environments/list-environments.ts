import { and, eq, ne } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { environments } from "@/db/schema";
import type { Actor } from "../users/actor";
import { selectEnvironmentRows, toEnvironmentView, type EnvironmentView } from "./environment-rows";

export type { EnvironmentView } from "./environment-rows";

/**
 * The actor's environments, newest first (deleted ones are gone), each with the state people
 * must know, derived in the same query: creating (with the clone's progress; a clone whose job
 * failed or was abandoned shows as failed with its code), ready, needs reconnect (the actor's
 * connection for the host on that runner no longer works), owner disabled, failed, deleting.
 */
export async function listEnvironments(opts: { db: DbOrTx; actor: Actor }): Promise<EnvironmentView[]> {
  const rows = await selectEnvironmentRows(opts.db, and(eq(environments.orgId, opts.actor.orgId), eq(environments.ownerId, opts.actor.userId), ne(environments.status, "deleted")), 200);
  return rows.map(toEnvironmentView);
}
