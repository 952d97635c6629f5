import { sealedKeyId, SealError } from "../crypto/sealed-box";
import { AppError } from "../errors/app-error";

const FIELD = "oauthClientSecret";

/**
 * Accepts a client secret only as a sealed box addressed to the runner's current key and sealed for
 * the host being saved. Anything else (plaintext, a malformed box, a box for an old key after the
 * runner re-registered, a box for another host) is `sealed_secret_invalid`, and nothing is stored.
 * The value is never echoed in the error.
 */
export function verifySealedSecret(opts: { sealed: string; sealedForHost: string | null; runnerKeyId: string | null; host: string }): { keyId: string } {
  if (!opts.runnerKeyId) {
    throw new AppError("runner_not_registered", { fieldErrors: { [FIELD]: ["The runner has not registered yet, so the secret cannot be sealed to it"] } });
  }
  let keyId: string;
  try {
    keyId = sealedKeyId(opts.sealed);
  } catch (e) {
    if (e instanceof SealError) throw new AppError("sealed_secret_invalid", { fieldErrors: { [FIELD]: ["The secret was not sealed in the browser; reload the page and enter it again"] } });
    throw e;
  }
  if (keyId !== opts.runnerKeyId) {
    throw new AppError("sealed_secret_invalid", { fieldErrors: { [FIELD]: ["The runner's key changed while the form was open; reload the page and enter the secret again"] } });
  }
  if (opts.sealedForHost !== opts.host) {
    throw new AppError("sealed_secret_invalid", { fieldErrors: { [FIELD]: ["The secret was sealed for another host; enter it again"] } });
  }
  return { keyId };
}
