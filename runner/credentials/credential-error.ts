import { AppError } from "@/lib/errors/app-error";
import type { ErrorCode } from "@/lib/errors/catalogue";

/**
 * A user's credential could not be made usable: no connection, one that needs re-authentication,
 * a box this runner cannot open, or the management plane out of reach. `message` is user-safe;
 * `retryable` says whether trying again later can help. Provider failures met while refreshing
 * come through as `ProviderError` (also an `AppError` with `retryable`) instead.
 */
export class CredentialError extends AppError {
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, opts: { retryable?: boolean; cause?: unknown } = {}) {
    super(code, { message, cause: opts.cause });
    this.name = "CredentialError";
    this.retryable = opts.retryable ?? false;
  }
}

/** The owner must connect (or reconnect) the account: nothing the runner can do fixes it. */
export function reconnectError(host: string): CredentialError {
  return new CredentialError(
    "credential_needs_reauth",
    `The environment owner has no working connection to ${host} on this runner: connect (or reconnect) it in Settings > Git Authentications.`,
  );
}
