import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { environments, memberships, users, type Environment } from "@/db/schema";
import { AppError } from "../errors/app-error";
import type { ErrorCode } from "../errors/catalogue";
import type { AuthenticatedRunner } from "../runners/authenticate-runner";

/** One of a runner's environments, and why it may not act for its owner now (null: it may). */
export type RunnerEnvironment = { env: Environment; refusal: ErrorCode | null };

/**
 * One of this runner's environments, for a request the runner makes on its behalf (a git
 * credential, an agent tool call), with the reason it may not act any more: being deleted or
 * deleted (`environment_deleted`), or an owner who is disabled or no longer a member
 * (`environment_owner_disabled`). Null for an id that is not one of this runner's environments:
 * another runner's, another org's and an unknown id look the same. Read on every request, so a
 * change applies at the next one.
 */
export async function loadRunnerEnvironment(opts: { db: DbOrTx; runner: Pick<AuthenticatedRunner, "id" | "orgId">; environmentId: string }): Promise<RunnerEnvironment | null> {
  const [row] = await opts.db
    .select({ env: environments, disabledAt: users.disabledAt, member: memberships.userId })
    .from(environments)
    .innerJoin(users, eq(users.id, environments.ownerId))
    .leftJoin(memberships, and(eq(memberships.orgId, environments.orgId), eq(memberships.userId, environments.ownerId)))
    .where(and(eq(environments.id, opts.environmentId), eq(environments.runnerId, opts.runner.id), eq(environments.orgId, opts.runner.orgId)));
  if (!row) return null;
  const refusal: ErrorCode | null =
    row.env.status === "deleting" || row.env.status === "deleted" ? "environment_deleted" : row.disabledAt || !row.member ? "environment_owner_disabled" : null;
  return { env: row.env, refusal };
}

/** `loadRunnerEnvironment`, throwing `not_found` or the refusal. */
export async function findRunnerEnvironment(opts: Parameters<typeof loadRunnerEnvironment>[0]): Promise<Environment> {
  const found = await loadRunnerEnvironment(opts);
  if (!found) throw new AppError("not_found");
  if (found.refusal) throw new AppError(found.refusal);
  return found.env;
}
