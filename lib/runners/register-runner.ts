import { and, eq, isNull, ne } from "drizzle-orm";
import type { Db } from "@/db/client";
import { hostAuthTokens, runners, runnerTokens } from "@/db/schema";
import { writeAudit } from "../audit/write-audit";
import { fingerprintOf, keyIdOf } from "../crypto/sealed-box";
import { AppError } from "../errors/app-error";
import type { RegisterRequest, RegisterResponse } from "./protocol";
import { generateRunnerToken, hashRunnerToken } from "./tokens";

/**
 * Exchanges a one-time registration token for a runner access token and records the runner's
 * public key. The token must be unused, unrevoked and under 24 hours old; it is spent in the same
 * transaction (a replay finds it used). Registering with a new key revokes the runner's previous
 * access tokens and marks every credential sealed to the old key as needing re-authentication.
 */
export async function registerRunner(opts: { db: Db; request: RegisterRequest }): Promise<RegisterResponse> {
  const { request } = opts;
  const keyId = await keyIdOf(request.publicKey);
  const fingerprint = await fingerprintOf(request.publicKey);
  const accessToken = generateRunnerToken("access");
  return opts.db.transaction(async (tx) => {
    const [token] = await tx
      .select({ id: runnerTokens.id, runnerId: runnerTokens.runnerId, expiresAt: runnerTokens.expiresAt })
      .from(runnerTokens)
      .where(
        and(
          eq(runnerTokens.tokenHash, hashRunnerToken(request.registrationToken)),
          eq(runnerTokens.kind, "registration"),
          isNull(runnerTokens.usedAt),
          isNull(runnerTokens.revokedAt),
        ),
      )
      .for("update");
    if (!token || !token.expiresAt || token.expiresAt.getTime() < Date.now()) throw new AppError("registration_token_invalid");
    const now = new Date();
    await tx.update(runnerTokens).set({ usedAt: now }).where(eq(runnerTokens.id, token.id));
    const [before] = await tx.select({ keyId: runners.keyId, orgId: runners.orgId, name: runners.name }).from(runners).where(eq(runners.id, token.runnerId));
    if (!before) throw new AppError("registration_token_invalid");
    await tx
      .update(runners)
      .set({ publicKey: request.publicKey, keyId, version: request.version, registeredAt: now, lastSeenAt: now })
      .where(eq(runners.id, token.runnerId));
    await tx
      .update(runnerTokens)
      .set({ revokedAt: now })
      .where(and(eq(runnerTokens.runnerId, token.runnerId), eq(runnerTokens.kind, "access"), isNull(runnerTokens.revokedAt)));
    await tx.insert(runnerTokens).values({ runnerId: token.runnerId, kind: "access", tokenHash: hashRunnerToken(accessToken) });
    if (before.keyId && before.keyId !== keyId) {
      await tx
        .update(hostAuthTokens)
        .set({ needsReauthReason: "runner_key_rotated" })
        .where(and(eq(hostAuthTokens.runnerId, token.runnerId), ne(hostAuthTokens.keyId, keyId)));
    }
    await writeAudit(
      tx,
      { orgId: before.orgId, userId: null, email: `runner:${before.name}` },
      {
        action: before.keyId ? "runner.re_registered" : "runner.registered",
        targetType: "runner",
        targetId: token.runnerId,
        targetLabel: before.name,
        before: before.keyId ? { keyId: before.keyId } : null,
        after: { keyId, version: request.version },
      },
    );
    return { runnerId: token.runnerId, name: before.name, accessToken, keyId, fingerprint };
  });
}
