import crypto from "node:crypto";
import { getEnv } from "@/lib/env";

/**
 * Whether a request may use the test-only endpoints: the server must have been started with
 * E2E_SEED_SECRET (which configuration refuses outside loopback) and the request must carry it.
 */
export function hasTestSecret(request: Request): boolean {
  const secret = getEnv().E2E_SEED_SECRET;
  if (!secret) return false;
  const given = Buffer.from(request.headers.get("x-e2e-seed-secret") ?? "");
  const expected = Buffer.from(secret);
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}
