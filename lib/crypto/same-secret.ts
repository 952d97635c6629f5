import crypto from "node:crypto";

/**
 * Whether `given` equals `expected`, in constant time: the digests are compared, so neither the
 * content nor the length of the expected secret leaks through how long the answer takes.
 */
export function sameSecret(expected: string, given: string): boolean {
  const a = crypto.createHash("sha256").update(expected).digest();
  const b = crypto.createHash("sha256").update(given).digest();
  return crypto.timingSafeEqual(a, b);
}
