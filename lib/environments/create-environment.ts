import { and, eq, inArray, ne, or } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { environments, runnerJobs, runners, scmIntegrations } from "@/db/schema";
import { hostOfInput, traceOperation } from "../diagnostics/trace-operation";
import { AppError } from "../errors/app-error";
import { findUsableCredential } from "../git-auth/find-usable-credential";
import { integrationRef } from "../git-auth/integration-ref";
import type { EnvironmentCreatePayload } from "../git-auth/job-payloads";
import { enqueueJob } from "../runners/jobs/enqueue-job";
import type { Actor } from "../users/actor";
import { authorizationTarget, type AuthorizationTarget } from "./authorization-target";
import { parseRepoUrl } from "./parse-repo-url";

/**
 * A runner that cannot isolate environments (every one runs as its own OS user) hosts one
 * person's environments unless an admin allowed shared use: a second person is refused with
 * `runner_not_isolated`. The runner row is locked so two people cannot both be "the first".
 */
async function assertRunnerMayHost(tx: DbOrTx, runnerId: string, userId: string): Promise<void> {
  const [runner] = await tx.select({ isolation: runners.isolation, sharedUse: runners.sharedUse }).from(runners).where(eq(runners.id, runnerId)).for("update");
  if (!runner || runner.isolation === "os_user" || runner.sharedUse) return;
  // Hosting: ready or being deleted, or still being cloned (a clone whose job failed holds nothing).
  const [other] = await tx
    .select({ id: environments.id })
    .from(environments)
    .leftJoin(runnerJobs, eq(runnerJobs.id, environments.jobId))
    .where(
      and(
        eq(environments.runnerId, runnerId),
        ne(environments.ownerId, userId),
        or(inArray(environments.status, ["ready", "deleting"]), and(eq(environments.status, "creating"), inArray(runnerJobs.status, ["pending", "running", "succeeded"]))),
      ),
    )
    .limit(1);
  if (other) throw new AppError("runner_not_isolated", { fieldErrors: { runnerId: ["This runner is not isolated and already hosts another person's environments."] } });
}

export type CreateEnvironmentOutcome =
  | { kind: "created"; environmentId: string; jobId: string }
  /** The owner must connect an account for the host first; the page offers the enabled methods. */
  | { kind: "needs_authorization"; integrationId: string; host: string; provider: string; oauth: boolean; pat: boolean; repository: string; target: AuthorizationTarget };

/**
 * Creates an environment: a clone of `repoUrl` on the runner, made with the owner's credentials.
 * The environment row and its `environment.create` job commit together. When the owner has no
 * usable credential for the host, nothing is created and the outcome says which methods to offer,
 * with what the prompt needs for that one host.
 */
async function createEnvironmentUntraced(opts: { db: Db; actor: Actor; runnerId: string; repoUrl: string; branch?: string; allowLoopback: boolean }): Promise<CreateEnvironmentOutcome> {
  const parsed = parseRepoUrl(opts.repoUrl, { allowLoopback: opts.allowLoopback });
  if (!parsed.ok) throw new AppError("repo_url_invalid", { fieldErrors: { repoUrl: [parsed.reason] } });
  const [runner] = await opts.db.select({ id: runners.id, name: runners.name, publicKey: runners.publicKey }).from(runners).where(and(eq(runners.orgId, opts.actor.orgId), eq(runners.id, opts.runnerId)));
  if (!runner) throw new AppError("not_found", { fieldErrors: { runnerId: ["Unknown runner"] } });
  const [integration] = await opts.db
    .select()
    .from(scmIntegrations)
    .where(and(eq(scmIntegrations.runnerId, runner.id), eq(scmIntegrations.host, parsed.host)));
  if (!integration) throw new AppError("no_integration_for_host", { fieldErrors: { repoUrl: [`This runner has no integration for ${parsed.host}.`] } });
  const credential = await findUsableCredential({ db: opts.db, runnerId: runner.id, host: parsed.host, userId: opts.actor.userId });
  if (!credential) {
    return { kind: "needs_authorization", integrationId: integration.id, host: integration.host, provider: integration.provider, oauth: integration.oauthEnabled, pat: integration.patEnabled, repository: parsed.repoPath, target: authorizationTarget(integration, runner) };
  }
  return opts.db.transaction(async (tx) => {
    await assertRunnerMayHost(tx, runner.id, opts.actor.userId);
    const name = parsed.repoPath.split("/").pop() ?? parsed.repoPath;
    const [environment] = await tx
      .insert(environments)
      .values({ orgId: opts.actor.orgId, ownerId: opts.actor.userId, runnerId: runner.id, integrationId: integration.id, name, repoUrl: parsed.url, host: parsed.host, repoPath: parsed.repoPath, branch: opts.branch ?? null })
      .returning({ id: environments.id });
    if (!environment) throw new Error("insert returned no row");
    const payload: EnvironmentCreatePayload = {
      environmentId: environment.id,
      ownerId: opts.actor.userId,
      integration: integrationRef(integration),
      repoUrl: parsed.url,
      repoPath: parsed.repoPath,
      branch: opts.branch ?? null,
    };
    const { job } = await enqueueJob(tx, { orgId: opts.actor.orgId, runnerId: runner.id, kind: "environment.create", payload, idempotencyKey: `environment:${environment.id}`, maxAttempts: 3 });
    await tx.update(environments).set({ jobId: job.id }).where(eq(environments.id, environment.id));
    return { kind: "created" as const, environmentId: environment.id, jobId: job.id };
  });
}

/**
 * `createEnvironment`, recorded in the diagnostic trail as `clone` at the `request` stage: refused
 * with `not_authorized_for_host` when the owner must connect first, failed with its code, or
 * created (the clone job then records its own stages under the same correlation id).
 */
export async function createEnvironment(opts: Parameters<typeof createEnvironmentUntraced>[0]): Promise<CreateEnvironmentOutcome> {
  const subject = { orgId: opts.actor.orgId, actorId: opts.actor.userId, userId: opts.actor.userId, operation: "clone", runnerId: opts.runnerId, host: hostOfInput(opts.repoUrl) };
  return traceOperation(opts.db, subject, () => createEnvironmentUntraced(opts), (r) =>
    r.kind === "needs_authorization"
      ? { outcome: "refused", errorCode: "not_authorized_for_host", integrationId: r.integrationId, provider: r.provider }
      : { jobId: r.jobId, detail: { environmentId: r.environmentId } },
  );
}
