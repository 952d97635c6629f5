import type { z } from "zod";
import { openSealed, SealError, type RunnerKeyPair, type SealContext } from "@/lib/crypto/sealed-box";
import { isAppError } from "@/lib/errors/app-error";
import { CredentialError } from "../credentials/credential-error";
import { ProviderError } from "../providers";
import { JobFailure } from "./types";

/** Parses a job payload, or fails the job with `validation_failed` naming the fields at fault (never their values). */
export function parsePayload<T>(schema: z.ZodType<T>, raw: unknown, what: string): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new JobFailure("validation_failed", `The ${what} request from the management plane is malformed.`, {
      detail: { issues: parsed.error.issues.slice(0, 5).map((i) => i.path.join(".")) },
    });
  }
  return parsed.data;
}

const SEAL_MESSAGES: Record<SealError["reason"], string> = {
  malformed: "is not a sealed box this runner can read",
  wrong_key: "was sealed to another runner key (this runner was registered again since)",
  cannot_open: "could not be opened with this runner's key",
  context_mismatch: "was sealed for another runner, integration, user or purpose",
  expired: "has expired",
};

/**
 * Opens a sealed box from a job payload only if its context matches `expect`; otherwise fails the
 * job with `sealed_secret_invalid`, naming what the box is (`label`) and, when given, the form
 * field it came from.
 */
export async function openBox(keys: RunnerKeyPair, box: string, expect: Partial<SealContext> & { purpose: SealContext["purpose"] }, label: string, field?: string): Promise<string> {
  try {
    return (await openSealed(keys, box, expect)).value;
  } catch (e) {
    if (!(e instanceof SealError)) throw e;
    const message = `The ${label} ${SEAL_MESSAGES[e.reason]}.`;
    throw new JobFailure("sealed_secret_invalid", message, { detail: { reason: e.reason, purpose: expect.purpose }, ...(field ? { fieldErrors: { [field]: [message] } } : {}) });
  }
}

/**
 * A provider or credential failure as a typed job failure: the catalogue code, the user-safe
 * message, whether the plane should retry, the form's field errors and the redacted detail.
 * Anything else (a bug, an abort) is rethrown for the executor to classify.
 */
export function asJobFailure(e: unknown): unknown {
  if (e instanceof JobFailure) return e;
  if (e instanceof ProviderError) {
    return new JobFailure(e.code, e.message, { retryable: e.retryable, fieldErrors: e.fieldErrors, detail: { ...e.detail } });
  }
  if (e instanceof CredentialError) return new JobFailure(e.code, e.message, { retryable: e.retryable });
  if (isAppError(e)) return new JobFailure(e.code, e.message, { fieldErrors: e.fieldErrors });
  return e;
}

/** Runs `fn`, turning provider and credential failures into typed job failures. */
export async function typedFailures<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw asJobFailure(e);
  }
}
