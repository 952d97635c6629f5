import { and, desc, eq, gt, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { oauthAttempts, scmEvents } from "@/db/schema";
import { hashOAuthState } from "../git-auth/pkce";

/** The OAuth attempt a `state` belongs to (used or not), without spending it. */
export async function findOAuthAttemptId(db: DbOrTx, state: string | null): Promise<string | null> {
  if (!state || state.length < 20 || state.length > 200) return null;
  try {
    const [row] = await db.select({ id: oauthAttempts.id }).from(oauthAttempts).where(eq(oauthAttempts.stateHash, hashOAuthState(state)));
    return row?.id ?? null;
  } catch {
    return null;
  }
}

/**
 * The correlation id the OAuth start of an attempt was recorded under, so the callback and the
 * code exchange join the same timeline as the click that started it (the browser went to the
 * provider and back in between, carrying nothing of ours but the state).
 */
export async function correlationOfOAuthAttempt(db: DbOrTx, orgId: string, attemptId: string | null): Promise<string | null> {
  if (!attemptId) return null;
  try {
    const [row] = await db
      .select({ correlationId: scmEvents.correlationId })
      .from(scmEvents)
      .where(
        and(
          eq(scmEvents.orgId, orgId),
          eq(scmEvents.operation, "oauth.start"),
          // Attempts live 10 minutes; anything older cannot be this one's start.
          gt(scmEvents.at, sql`now() - interval '1 hour'`),
          sql`${scmEvents.detail}->>'attemptId' = ${attemptId}`,
        ),
      )
      .orderBy(desc(scmEvents.at))
      .limit(1);
    return row?.correlationId ?? null;
  } catch {
    return null;
  }
}
