import type { ErrorCode } from "../errors/catalogue";

/** What every server action returns; forms read it with `useActionState`. */
export type ActionResult<T> =
  | { ok: true; data: T }
  | { ok: false; code: ErrorCode; message: string; fieldErrors?: Record<string, string[]> };
