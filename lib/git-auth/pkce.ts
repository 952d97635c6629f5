import crypto from "node:crypto";

/** A PKCE pair (RFC 7636, S256): 32 random bytes as the verifier, its SHA-256 as the challenge. */
export function createPkcePair(): { verifier: string; challenge: string } {
  const verifier = crypto.randomBytes(32).toString("base64url");
  return { verifier, challenge: crypto.createHash("sha256").update(verifier).digest("base64url") };
}

/** A `state` of 256 bits, and the hash under which it is stored (the raw state is never stored). */
export function createOAuthState(): { state: string; stateHash: string } {
  const state = crypto.randomBytes(32).toString("base64url");
  return { state, stateHash: hashOAuthState(state) };
}

export function hashOAuthState(state: string): string {
  return crypto.createHash("sha256").update(state, "utf8").digest("hex");
}
