import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { runners, runnerTokens } from "@/db/schema";
import { writeAudit } from "../audit/write-audit";
import { AppError } from "../errors/app-error";
import { assertRole, type Actor } from "../users/actor";
import { generateRunnerToken, hashRunnerToken, REGISTRATION_TOKEN_TTL_MS } from "./tokens";

/**
 * Issues a new registration token for a runner and revokes any unused one. Registering with it
 * (re-)keys the runner: a rotated key makes credentials sealed to the old key need re-authentication.
 */
export async function rotateRegistrationToken(opts: { db: Db; actor: Actor; runnerId: string }): Promise<{ registrationToken: string; expiresAt: Date }> {
  assertRole(opts.actor, "admin");
  const registrationToken = generateRunnerToken("registration");
  const expiresAt = new Date(Date.now() + REGISTRATION_TOKEN_TTL_MS);
  await opts.db.transaction(async (tx) => {
    const [runner] = await tx
      .select({ id: runners.id, name: runners.name })
      .from(runners)
      .where(and(eq(runners.orgId, opts.actor.orgId), eq(runners.id, opts.runnerId)))
      .for("update");
    if (!runner) throw new AppError("not_found");
    await tx
      .update(runnerTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(runnerTokens.runnerId, runner.id), eq(runnerTokens.kind, "registration"), isNull(runnerTokens.usedAt), isNull(runnerTokens.revokedAt)));
    await tx.insert(runnerTokens).values({ runnerId: runner.id, kind: "registration", tokenHash: hashRunnerToken(registrationToken), expiresAt });
    await writeAudit(tx, opts.actor, { action: "runner.registration_token_rotated", targetType: "runner", targetId: runner.id, targetLabel: runner.name });
  });
  return { registrationToken, expiresAt };
}
