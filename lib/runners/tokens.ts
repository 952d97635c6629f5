import crypto from "node:crypto";

/** Registration tokens last 24 hours. */
export const REGISTRATION_TOKEN_TTL_MS = 24 * 3600 * 1000;

/** A new random token with a readable prefix (`scmr_reg_`, `scmr_at_`): 256 bits of entropy. */
export function generateRunnerToken(kind: "registration" | "access"): string {
  return `${kind === "registration" ? "scmr_reg_" : "scmr_at_"}${crypto.randomBytes(32).toString("base64url")}`;
}

/** Tokens are stored only as SHA-256 hashes: a database dump gives nobody a usable token. */
export function hashRunnerToken(token: string): string {
  return crypto.createHash("sha256").update(token, "utf8").digest("hex");
}
