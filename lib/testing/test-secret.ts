import { sameSecret } from "@/lib/crypto/same-secret";
import { getEnv } from "@/lib/env";

/**
 * Whether a request may use the test-only endpoints: the server must have been started with
 * E2E_SEED_SECRET (which configuration refuses outside loopback) and the request must carry it.
 */
export function hasTestSecret(request: Request): boolean {
  const secret = getEnv().E2E_SEED_SECRET;
  if (!secret) return false;
  return sameSecret(secret, request.headers.get("x-e2e-seed-secret") ?? "");
}
