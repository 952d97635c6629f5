import type { Db } from "@/db/client";
import { runners, runnerTokens } from "@/db/schema";
import { writeAudit } from "../audit/write-audit";
import { isUniqueViolation } from "../db-errors";
import { AppError } from "../errors/app-error";
import { assertRole, type Actor } from "../users/actor";
import { generateRunnerToken, hashRunnerToken, REGISTRATION_TOKEN_TTL_MS } from "./tokens";

/**
 * Creates a runner and its one-time registration token (valid 24 hours). The token is returned
 * once, here; only its hash is stored.
 */
export async function createRunner(opts: { db: Db; actor: Actor; name: string }): Promise<{ runnerId: string; registrationToken: string; expiresAt: Date }> {
  assertRole(opts.actor, "admin");
  const registrationToken = generateRunnerToken("registration");
  const expiresAt = new Date(Date.now() + REGISTRATION_TOKEN_TTL_MS);
  try {
    const runnerId = await opts.db.transaction(async (tx) => {
      const [runner] = await tx.insert(runners).values({ orgId: opts.actor.orgId, name: opts.name }).returning({ id: runners.id });
      if (!runner) throw new Error("insert returned no row");
      await tx.insert(runnerTokens).values({ runnerId: runner.id, kind: "registration", tokenHash: hashRunnerToken(registrationToken), expiresAt });
      await writeAudit(tx, opts.actor, { action: "runner.created", targetType: "runner", targetId: runner.id, targetLabel: opts.name, after: { name: opts.name } });
      return runner.id;
    });
    return { runnerId, registrationToken, expiresAt };
  } catch (e) {
    if (isUniqueViolation(e, "runners_org_name_key")) throw new AppError("runner_name_taken", { fieldErrors: { name: ["A runner with this name already exists"] } });
    throw e;
  }
}
