import type { Db } from "@/db/client";
import { recordEvent } from "../diagnostics/record-event";
import { AppError } from "../errors/app-error";
import { findUsableCredential } from "../git-auth/find-usable-credential";
import type { CredentialMessage } from "../git-auth/job-payloads";
import { credentialMessage } from "../git-auth/runner-credentials";
import type { AuthenticatedRunner } from "../runners/authenticate-runner";
import { loadRunnerEnvironment } from "./find-runner-environment";

/**
 * `GET /environments/{id}/credential`: the sealed credential git needs in one of this runner's
 * environments, i.e. its owner's for the environment's host, checked afresh on every request:
 * the environment must be this runner's and not deleted, its owner an active member
 * (`environment_owner_disabled`), and still connected (`credential_needs_reauth`). Each answer is
 * a `git.credential` event in the environment's trail (an unknown id is not recorded: it names
 * no environment of this organization).
 */
export async function getEnvironmentCredential(opts: { db: Db; runner: AuthenticatedRunner; environmentId: string }): Promise<CredentialMessage> {
  const started = Date.now();
  const found = await loadRunnerEnvironment(opts);
  if (!found) throw new AppError("not_found");
  const { env, refusal } = found;
  if (refusal) {
    await record(opts, env, "refused", refusal, started);
    throw new AppError(refusal);
  }
  const token = await findUsableCredential({ db: opts.db, runnerId: opts.runner.id, host: env.host, userId: env.ownerId });
  if (!token) {
    await record(opts, env, "refused", "credential_needs_reauth", started);
    throw new AppError("credential_needs_reauth");
  }
  const message = await credentialMessage(opts.db, token);
  await record(opts, env, "succeeded", null, started);
  return message;
}

function record(
  opts: { db: Db; runner: AuthenticatedRunner; environmentId: string },
  env: { ownerId: string; host: string; integrationId: string | null },
  outcome: "succeeded" | "refused",
  errorCode: string | null,
  started: number,
): Promise<boolean> {
  return recordEvent(opts.db, {
    orgId: opts.runner.orgId,
    actorType: "runner",
    actorId: null,
    runnerId: opts.runner.id,
    userId: env.ownerId,
    host: env.host,
    integrationId: env.integrationId,
    environmentId: opts.environmentId,
    operation: "git.credential",
    stage: outcome === "succeeded" ? "served" : "request",
    outcome,
    errorCode,
    durationMs: Date.now() - started,
    correlationId: null,
    detail: { environmentId: opts.environmentId },
  });
}
