import crypto from "node:crypto";
import { AppError } from "../errors/app-error";

/** How long an admin-issued password reset link works. */
export const PASSWORD_RESET_TTL_MS = 24 * 3600 * 1000;

/** Failed uses of reset links one client may make per sign-in window before it is refused. */
export const PASSWORD_RESET_CLIENT_FAILURES = 20;

/** The rate-limit key counting one client's failed reset-link uses. */
export function resetRateLimitKey(client: string): string {
  return `password-reset-client:${client}`;
}

export function hashResetToken(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}

/**
 * Why a stored reset link cannot be used, or null when it can: unknown (no row), already used,
 * or expired (which includes a link replaced by a newer one: its expiry is set to the moment it
 * was replaced).
 */
export function resetLinkRefusal(row: { usedAt: Date | null; expired: boolean } | undefined): AppError | null {
  if (!row) return new AppError("reset_link_invalid");
  if (row.usedAt) return new AppError("reset_link_used");
  if (row.expired) return new AppError("reset_link_expired");
  return null;
}

/** Whether `e` is a refused reset link (the failures a client's rate limit counts). */
export function isResetLinkRefusal(e: unknown): boolean {
  return e instanceof AppError && (e.code === "reset_link_invalid" || e.code === "reset_link_used" || e.code === "reset_link_expired");
}
