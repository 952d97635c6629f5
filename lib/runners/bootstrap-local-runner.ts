import { and, asc, eq, isNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { organizations, runners, runnerTokens } from "@/db/schema";
import { writeAudit } from "../audit/write-audit";
import { AppError } from "../errors/app-error";
import { generateRunnerToken, hashRunnerToken, REGISTRATION_TOKEN_TTL_MS } from "./tokens";

export const LOCAL_RUNNER_NAME = "Local runner";

/**
 * The embedded default (`npm run dev`) starts a runner next to the app; this gives it a
 * registration token for the organization's "Local runner", creating that runner the first time.
 * Answers `setup_required`-style `not_found` until first-run setup has created the organization.
 * Only reachable with the per-start bootstrap secret shared by the dev script (loopback only).
 */
export async function bootstrapLocalRunner(opts: { db: Db }): Promise<{ registrationToken: string; runnerId: string }> {
  return opts.db.transaction(async (tx) => {
    const [org] = await tx.select({ id: organizations.id }).from(organizations).orderBy(asc(organizations.createdAt)).limit(1);
    if (!org) throw new AppError("not_found", { message: "Complete first-run setup first." });
    let [runner] = await tx
      .select({ id: runners.id })
      .from(runners)
      .where(and(eq(runners.orgId, org.id), eq(runners.name, LOCAL_RUNNER_NAME)))
      .for("update");
    if (!runner) {
      [runner] = await tx.insert(runners).values({ orgId: org.id, name: LOCAL_RUNNER_NAME }).returning({ id: runners.id });
      if (!runner) throw new Error("insert returned no row");
      await writeAudit(tx, { orgId: org.id, userId: null, email: "system" }, { action: "runner.created", targetType: "runner", targetId: runner.id, targetLabel: LOCAL_RUNNER_NAME, after: { name: LOCAL_RUNNER_NAME, embedded: true } });
    }
    await tx
      .update(runnerTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(runnerTokens.runnerId, runner.id), eq(runnerTokens.kind, "registration"), isNull(runnerTokens.usedAt), isNull(runnerTokens.revokedAt)));
    const registrationToken = generateRunnerToken("registration");
    await tx.insert(runnerTokens).values({ runnerId: runner.id, kind: "registration", tokenHash: hashRunnerToken(registrationToken), expiresAt: new Date(Date.now() + REGISTRATION_TOKEN_TTL_MS) });
    return { registrationToken, runnerId: runner.id };
  });
}
