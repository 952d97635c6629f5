import crypto from "node:crypto";
import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { hostAuthTokens, memberships, runners, scmIntegrations, users } from "@/db/schema";
import { parseRepoUrl } from "../environments/parse-repo-url";
import { AppError } from "../errors/app-error";
import { integrationRef } from "../git-auth/integration-ref";
import { enqueueJob } from "../runners/jobs/enqueue-job";
import { assertRole, type Actor } from "../users/actor";
import type { AccessCheckPayload } from "./access-check-protocol";
import { planeAccessSteps, requiredScopes, type AccessStepView } from "./access-check-steps";
import { traceOperation } from "./trace-operation";

/** How long the runner has for its probes (token, scopes, `git ls-remote`). */
export const ACCESS_CHECK_DEADLINE_MS = 30_000;

export type AccessCheckView = {
  /** The runner job to follow while its steps run; null when a plane step already failed. */
  checkId: string | null;
  steps: AccessStepView[];
  subject: { userEmail: string; host: string; repository: string; runnerName: string | null };
};

/**
 * Check access ("doctor") for a member and a repository URL (admins and support): is the runner
 * online, does it offer the host, has the member connected a usable credential there — checked
 * here from the plane's records — and, when all of that holds, an `access.check` job has the
 * runner probe the provider with the member's real credential: token valid and unexpired, scopes
 * sufficient, repository reachable. Changes nothing (the probe refreshes an expiring OAuth token
 * exactly as a clone would). Recorded in the diagnostic trail as `access.check`.
 */
export async function startAccessCheck(opts: {
  db: Db;
  actor: Actor;
  input: { userEmail: string; repoUrl: string; runnerId?: string | null; /** The runner by name (case-insensitive), as typed in the form. */ runnerName?: string | null };
  allowLoopback: boolean;
  offlineAfterMs: number;
}): Promise<AccessCheckView> {
  assertRole(opts.actor, "admin", "support");
  const parsed = parseRepoUrl(opts.input.repoUrl, { allowLoopback: opts.allowLoopback });
  if (!parsed.ok) throw new AppError("repo_url_invalid", { fieldErrors: { repoUrl: [parsed.reason] } });
  const [member] = await opts.db
    .select({ id: users.id, email: users.email })
    .from(users)
    .innerJoin(memberships, and(eq(memberships.userId, users.id), eq(memberships.orgId, opts.actor.orgId)))
    .where(sql`lower(${users.email}) = lower(${opts.input.userEmail.trim()})`);
  if (!member) throw new AppError("not_found", { fieldErrors: { userEmail: ["No member of your organization has this email address."] } });

  const byName = opts.input.runnerName?.trim() || null;
  const runnerCondition = opts.input.runnerId ? eq(runners.id, opts.input.runnerId) : byName ? sql`lower(${runners.name}) = lower(${byName})` : undefined;
  const candidates = await opts.db
    .select({ integration: scmIntegrations, runner: runners, token: hostAuthTokens })
    .from(scmIntegrations)
    .innerJoin(runners, eq(runners.id, scmIntegrations.runnerId))
    .leftJoin(hostAuthTokens, and(eq(hostAuthTokens.runnerId, scmIntegrations.runnerId), eq(hostAuthTokens.host, scmIntegrations.host), eq(hostAuthTokens.userId, member.id)))
    .where(and(eq(scmIntegrations.orgId, opts.actor.orgId), eq(scmIntegrations.host, parsed.host), runnerCondition))
    .orderBy(sql`${hostAuthTokens.id} is null`, asc(runners.name));
  // The runner the member would use: the one holding their credential for the host, else the first offering it.
  const chosen = candidates[0] ?? null;
  let runner = chosen?.runner ?? null;
  if (!runner && runnerCondition) {
    const [given] = await opts.db.select().from(runners).where(and(eq(runners.orgId, opts.actor.orgId), runnerCondition));
    runner = given ?? null;
    if (!runner) throw new AppError("not_found", { fieldErrors: opts.input.runnerId ? { runnerId: ["Unknown runner"] } : { runner: ["No runner of your organization has this name."] } });
  }
  const steps = planeAccessSteps({ host: parsed.host, runner, integration: chosen?.integration ?? null, token: chosen?.token ?? null, offlineAfterMs: opts.offlineAfterMs });
  const subject = { userEmail: member.email, host: parsed.host, repository: parsed.repoPath, runnerName: runner?.name ?? null };
  const failedStep = steps.find((s) => s.state === "failed");

  return traceOperation(
    opts.db,
    {
      orgId: opts.actor.orgId,
      actorId: opts.actor.userId,
      operation: "access.check",
      userId: member.id,
      host: parsed.host,
      runnerId: runner?.id ?? null,
      integrationId: chosen?.integration.id ?? null,
      provider: chosen?.integration.provider ?? null,
      detail: { repository: parsed.repoPath },
    },
    async () => {
      if (failedStep || !chosen?.token || !runner) return { checkId: null, steps, subject };
      const payload: AccessCheckPayload = {
        integration: integrationRef(chosen.integration),
        userId: member.id,
        repoUrl: parsed.url,
        repository: parsed.repoPath,
        requiredScopes: requiredScopes(chosen.integration, chosen.token.source),
      };
      const { job } = await enqueueJob(opts.db, {
        orgId: opts.actor.orgId,
        runnerId: runner.id,
        kind: "access.check",
        payload,
        idempotencyKey: `access-check:${crypto.randomUUID()}`,
        deadlineAt: new Date(Date.now() + ACCESS_CHECK_DEADLINE_MS),
        maxAttempts: 1,
      });
      return { checkId: job.id, steps, subject };
    },
    (view) =>
      failedStep
        ? { stage: failedStep.id, outcome: "failed", errorCode: failedStep.code, detail: { note: failedStep.note } }
        : { outcome: "started", jobId: view.checkId },
  );
}
