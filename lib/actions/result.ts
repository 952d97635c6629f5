import type { ErrorCode } from "../errors/catalogue";
import type { ErrorDescription } from "../errors/error-description";

/**
 * What every server action returns; forms read it with `useActionState`. A failure carries its
 * code's description (`entry`), so the form shows the explanation and remedy without the client
 * bundling the error catalogue.
 */
export type ActionResult<T> =
  | { ok: true; data: T }
  | { ok: false; code: ErrorCode; message: string; entry: ErrorDescription; fieldErrors?: Record<string, string[]> };
