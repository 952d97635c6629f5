import { and, desc, eq, ne, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { environments, scmEvents, type Runner, type ScmEventOutcome } from "@/db/schema";
import { AppError } from "../errors/app-error";
import { hasRole, type Actor } from "../users/actor";
import type { AuthorizationTarget } from "./authorization-target";
import { reconnectTarget, selectEnvironmentRows, toEnvironmentView, type EnvironmentView } from "./environment-rows";

/** How many trail events the page shows of each kind. */
export const HISTORY_LIMIT = 30;
export const GIT_OPERATIONS_LIMIT = 20;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One event of an environment's trail, as its page shows it (never a secret: ids, codes and words). */
export type EnvironmentEvent = {
  id: string;
  at: Date;
  operation: string;
  stage: string;
  outcome: ScmEventOutcome;
  errorCode: string | null;
  durationMs: number | null;
  actorType: "user" | "runner" | "system";
  /** A security refusal's reason (`other_environment`, `malformed_request`) and the host asked for. */
  refusal: { reason: string; requestedHost: string | null } | null;
};

export type EnvironmentDetail = EnvironmentView & {
  ownerId: string;
  ownerEmail: string;
  ownerName: string;
  runnerIsolation: Runner["isolation"];
  runnerSharedUse: boolean;
  /** Where the clone is on the runner's disk, and the OS user it runs as, as the runner reported. */
  clonePath: string | null;
  osUser: string | null;
  readyAt: Date | null;
  /** What the reconnect prompt needs (null: the runner no longer offers the host). */
  reconnectTarget: AuthorizationTarget | null;
};

/**
 * Which environments the actor may see: their organization's, and a member only their own
 * (an admin sees every one). Another member's environment is therefore as unknown as a made-up id.
 */
function visibleTo(actor: Actor, environmentId: string): SQL | undefined {
  return and(eq(environments.orgId, actor.orgId), eq(environments.id, environmentId), hasRole(actor, "admin") ? undefined : eq(environments.ownerId, actor.userId));
}

/**
 * One environment for its page with its derived state, or `not_found` (an unknown id, another
 * organization's, another member's for a member, a deleted one unless `includeDeleted`). One query.
 */
export async function findEnvironment(opts: { db: DbOrTx; actor: Actor; environmentId: string; includeDeleted?: boolean }): Promise<EnvironmentDetail> {
  if (!UUID.test(opts.environmentId)) throw new AppError("not_found");
  const [row] = await selectEnvironmentRows(opts.db, and(visibleTo(opts.actor, opts.environmentId), opts.includeDeleted ? undefined : ne(environments.status, "deleted")), 1);
  if (!row) throw new AppError("not_found");
  return {
    ...toEnvironmentView(row),
    ownerId: row.env.ownerId,
    ownerEmail: row.owner.email,
    ownerName: row.owner.name,
    runnerIsolation: row.runner.isolation,
    runnerSharedUse: row.runner.sharedUse,
    clonePath: row.env.clonePath,
    osUser: row.env.osUser,
    readyAt: row.env.readyAt,
    reconnectTarget: reconnectTarget(row),
  };
}

/**
 * An environment's trail events, newest first, `limit` of them: its git credential requests
 * (`gitOnly`) or everything else (clone stages, deletion, agent tool calls). Authorized in the
 * query itself through the environment (same rule as `findEnvironment`), so it can run alongside it.
 */
async function environmentEvents(opts: { db: DbOrTx; actor: Actor; environmentId: string; gitOnly: boolean; limit: number }): Promise<EnvironmentEvent[]> {
  const rows = await opts.db
    .select({
      id: scmEvents.id,
      at: scmEvents.at,
      operation: scmEvents.operation,
      stage: scmEvents.stage,
      outcome: scmEvents.outcome,
      errorCode: scmEvents.errorCode,
      durationMs: scmEvents.durationMs,
      actorType: scmEvents.actorType,
      reason: sql<string | null>`${scmEvents.detail}->>'reason'`,
      requestedHost: sql<string | null>`${scmEvents.detail}->>'requestedHost'`,
    })
    .from(scmEvents)
    .innerJoin(environments, and(eq(environments.id, scmEvents.environmentId), visibleTo(opts.actor, opts.environmentId)))
    .where(and(eq(scmEvents.orgId, opts.actor.orgId), eq(scmEvents.environmentId, opts.environmentId), opts.gitOnly ? eq(scmEvents.operation, "git.credential") : ne(scmEvents.operation, "git.credential")))
    .orderBy(desc(scmEvents.at), desc(scmEvents.id))
    .limit(opts.limit);
  return rows.map(({ reason, requestedHost, ...e }) => ({ ...e, refusal: e.stage === "security" && reason ? { reason, requestedHost } : null }));
}

/**
 * Everything the environment page shows, in three queries run together: the environment with its
 * derived state, its state history (newest first, bounded) and its last git credential requests.
 * `not_found` as `findEnvironment`.
 */
export async function getEnvironment(opts: { db: DbOrTx; actor: Actor; environmentId: string }): Promise<{ environment: EnvironmentDetail; history: EnvironmentEvent[]; gitOperations: EnvironmentEvent[] }> {
  if (!UUID.test(opts.environmentId)) throw new AppError("not_found");
  const [environment, history, gitOperations] = await Promise.all([
    findEnvironment(opts),
    environmentEvents({ ...opts, gitOnly: false, limit: HISTORY_LIMIT }),
    environmentEvents({ ...opts, gitOnly: true, limit: GIT_OPERATIONS_LIMIT }),
  ]);
  return { environment, history, gitOperations };
}
