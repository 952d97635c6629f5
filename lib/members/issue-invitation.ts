import crypto from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { invitations } from "@/db/schema";

export const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;

export function hashInvitationToken(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}

/**
 * Creates a single-use invitation link token for a user, replacing any earlier unused one.
 * Only the token's hash is stored; the token is returned once, for the admin to share.
 */
export async function issueInvitation(tx: Tx, opts: { orgId: string; userId: string; createdBy: string }): Promise<{ token: string; expiresAt: Date }> {
  await tx
    .delete(invitations)
    .where(and(eq(invitations.orgId, opts.orgId), eq(invitations.userId, opts.userId), isNull(invitations.usedAt)));
  const token = crypto.randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + INVITATION_TTL_MS);
  await tx.insert(invitations).values({
    orgId: opts.orgId,
    userId: opts.userId,
    tokenHash: hashInvitationToken(token),
    expiresAt,
    createdBy: opts.createdBy,
  });
  return { token, expiresAt };
}
