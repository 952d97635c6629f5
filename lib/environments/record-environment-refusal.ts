import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { environments } from "@/db/schema";
import { recordEvent } from "../diagnostics/record-event";
import { AppError } from "../errors/app-error";
import type { AuthenticatedRunner } from "../runners/authenticate-runner";
import type { EnvironmentRefusal } from "../runners/protocol";

/**
 * `POST /environments/{id}/refusals`: the runner refused a request made from inside this
 * environment (asking for another environment's credentials, or a request no helper makes). It is
 * written to the trail as a security event (`git.credential` / `security`, refused with
 * `environment_access_refused`) under the environment it came from and its owner, so Diagnostics
 * shows who and where. Only this runner's environments can be reported on.
 */
export async function recordEnvironmentRefusal(opts: { db: Db; runner: AuthenticatedRunner; environmentId: string; refusal: EnvironmentRefusal }): Promise<void> {
  const [env] = await opts.db
    .select({ id: environments.id, ownerId: environments.ownerId, host: environments.host, integrationId: environments.integrationId })
    .from(environments)
    .where(and(eq(environments.id, opts.environmentId), eq(environments.runnerId, opts.runner.id), eq(environments.orgId, opts.runner.orgId)));
  if (!env) throw new AppError("not_found");
  await recordEvent(opts.db, {
    orgId: opts.runner.orgId,
    actorType: "runner",
    actorId: null,
    runnerId: opts.runner.id,
    userId: env.ownerId,
    host: env.host,
    integrationId: env.integrationId,
    environmentId: env.id,
    operation: "git.credential",
    stage: "security",
    outcome: "refused",
    errorCode: "environment_access_refused",
    correlationId: null,
    detail: { environmentId: env.id, reason: opts.refusal.reason, ...(opts.refusal.host ? { requestedHost: opts.refusal.host } : {}) },
  });
}
