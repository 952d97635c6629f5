import type { Tx } from "@/db/client";
import type { RunnerJob } from "@/db/schema";
import type { ErrorCode } from "../../errors/catalogue";
import { markEnvironmentDeleted, markEnvironmentReady } from "../../environments/mark-environment-ready";
import { storeCredentialFromJob } from "../../git-auth/store-credential";
import type { JobKind } from "../protocol";

type Handled = { ok: true } | { ok: false; code: ErrorCode; message: string };
type ResultHandler = (tx: Tx, job: RunnerJob, result: unknown) => Promise<Handled>;

/**
 * What the management plane does with a successful job's result, inside the transaction that
 * completes the job: the stored state and the job's outcome commit together or not at all.
 */
const resultHandlers: Partial<Record<JobKind, ResultHandler>> = {
  "oauth.exchange": async (tx, job, result) =>
    (await storeCredentialFromJob(tx, job, result)) ? { ok: true } : { ok: false, code: "sealed_secret_invalid", message: "The runner's credential could not be stored." },
  "pat.validate": async (tx, job, result) =>
    (await storeCredentialFromJob(tx, job, result)) ? { ok: true } : { ok: false, code: "sealed_secret_invalid", message: "The runner's credential could not be stored." },
  "environment.create": async (tx, job, result) => {
    await markEnvironmentReady(tx, job, result);
    return { ok: true };
  },
  "environment.delete": async (tx, job) => {
    await markEnvironmentDeleted(tx, job);
    return { ok: true };
  },
};

/** Applies the plane-side handler of a job kind to its result, if it has one. */
export async function applyJobResult(tx: Tx, job: RunnerJob, result: unknown): Promise<Handled> {
  const handler = resultHandlers[job.kind as JobKind];
  return handler ? handler(tx, job, result) : { ok: true };
}
