import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { agentActivity, scmIntegrations } from "@/db/schema";
import { loadRunnerEnvironment } from "../environments/find-runner-environment";
import { recordEvent } from "../diagnostics/record-event";
import { AppError } from "../errors/app-error";
import type { ErrorCode } from "../errors/catalogue";
import { findUsableCredential } from "../git-auth/find-usable-credential";
import { getProvider, type ProviderId } from "../providers";
import type { AuthenticatedRunner } from "../runners/authenticate-runner";
import { policyCapability, toolCapabilities, type ToolName } from "./capabilities";
import { evaluateAgentPolicy, type AgentPolicyRefusalReason } from "./get-agent-policy";
import { formatRefusalReason, refusalDetailSchema, runnerRefusalReasons } from "./refusal-reason";

export const authorizeToolCallSchema = z.object({
  environmentId: z.string().uuid(),
  tool: z.enum(Object.keys(toolCapabilities) as [ToolName, ...ToolName[]]),
  /** `owner/name` (GitLab: `group/sub/name`) the call acts on; defaults to the environment's repository. */
  repository: z.string().min(1).max(300).optional(),
  /**
   * Set when the runner refused the call itself before asking (malformed arguments, a repository
   * on another host): the plane only records it, so the activity list shows every call.
   */
  refusedByRunner: z.enum(runnerRefusalReasons).optional(),
  /** With `refusedByRunner`: what failed, as field names only (`number, body`), shown in the activity list. */
  refusalDetail: refusalDetailSchema.optional(),
});

export const finishToolCallSchema = z.object({
  outcome: z.enum(["succeeded", "failed"]),
  errorCode: z.string().max(64).nullable().optional(),
  /** The pull request, issue or comment the call made; http(s) only, since the activity list links to it. */
  resultUrl: z.url({ protocol: /^https?$/ }).max(2000).nullable().optional(),
  durationMs: z.number().int().min(0).max(3_600_000).optional(),
});

export type ToolCallDecision =
  | { allowed: true; callId: string; ownerId: string; host: string; provider: ProviderId; repository: string; credentialId: string }
  | { allowed: false; callId: string; code: ErrorCode; policy?: { reason: AgentPolicyRefusalReason; capability: string } };

/**
 * Decides, for one agent tool call, whether it may go to the provider, and records it in the
 * activity log either way. In order: the environment must be this runner's, not deleted, and its
 * owner an active member (`environment_owner_disabled`); the provider must have
 * agent tools (`scm_tools_not_supported`); the policy must allow the capability for the owner
 * (`scm_tools_disabled` / `scm_tools_not_allowed`); the owner must still be connected
 * (`credential_needs_reauth`). A call the runner already refused is recorded with its code. A
 * refusal by the policy or the runner also records which check refused (`refusal_reason`).
 * Evaluated on every call, so a policy change applies at the next one.
 */
export async function authorizeToolCall(opts: { db: Db; runner: AuthenticatedRunner; input: z.infer<typeof authorizeToolCallSchema> }): Promise<ToolCallDecision> {
  const found = await loadRunnerEnvironment({ db: opts.db, runner: opts.runner, environmentId: opts.input.environmentId });
  if (!found) throw new AppError("not_found");
  const { env } = found;
  const { integrationId } = env;
  const provider = integrationId ? await providerOf(opts.db, integrationId) : null;
  const repository = opts.input.repository ?? env.repoPath;
  const capability = toolCapabilities[opts.input.tool];
  // A deleted environment or a disabled owner ends agent access before anything else is looked at.
  let code: ErrorCode | null = found.refusal ?? opts.input.refusedByRunner ?? null;
  let credentialId: string | null = null;
  let policyRefusal: { reason: AgentPolicyRefusalReason; capability: string } | undefined;
  // Which check refused, for the activity list: the runner's own refusal (unless the environment's refused first) or the policy's.
  let refusalReason: string | null = !found.refusal && opts.input.refusedByRunner ? formatRefusalReason(opts.input.refusedByRunner, opts.input.refusalDetail) : null;
  if (!code && (!provider || !getProvider(provider).capabilities.agentTools)) code = "scm_tools_not_supported";
  if (!code) {
    const decision = await evaluateAgentPolicy({ db: opts.db, orgId: env.orgId, userId: env.ownerId, capability: policyCapability(opts.input.tool) });
    if (!decision.allowed) {
      code = decision.code;
      policyRefusal = { reason: decision.reason, capability };
      refusalReason = formatRefusalReason(decision.reason);
    }
  }
  if (!code) {
    const credential = await findUsableCredential({ db: opts.db, runnerId: env.runnerId, host: env.host, userId: env.ownerId });
    if (!credential) code = "credential_needs_reauth";
    else credentialId = credential.id;
  }
  const [row] = await opts.db
    .insert(agentActivity)
    .values({
      orgId: env.orgId,
      environmentId: env.id,
      ownerId: env.ownerId,
      runnerId: env.runnerId,
      tool: opts.input.tool,
      capability,
      provider,
      host: env.host,
      repository,
      outcome: code ? "refused" : "pending",
      errorCode: code,
      refusalReason,
    })
    .returning({ id: agentActivity.id });
  if (!row) throw new Error("insert returned no row");
  // The call id is the correlation id: the finish of the same call joins this event.
  await recordEvent(opts.db, {
    orgId: env.orgId,
    actorType: "runner",
    actorId: null,
    runnerId: env.runnerId,
    integrationId,
    userId: env.ownerId,
    host: env.host,
    provider,
    operation: "agent.tool_call",
    stage: "authorize",
    outcome: code ? "refused" : "started",
    errorCode: code,
    correlationId: row.id,
    detail: { tool: opts.input.tool, capability, repository, environmentId: env.id, ...(refusalReason ? { refusalReason } : {}) },
  });
  if (code || !provider || !credentialId) return { allowed: false, callId: row.id, code: code ?? "internal_error", ...(policyRefusal ? { policy: policyRefusal } : {}) };
  return { allowed: true, callId: row.id, ownerId: env.ownerId, host: env.host, provider, repository, credentialId };
}

async function providerOf(db: Db, integrationId: string): Promise<ProviderId | null> {
  const [row] = await db.select({ provider: scmIntegrations.provider }).from(scmIntegrations).where(eq(scmIntegrations.id, integrationId));
  return row?.provider ?? null;
}

/** Records how an allowed call ended (the provider's answer mapped to a code, and the resulting URL). */
export async function finishToolCall(opts: { db: Db; runner: AuthenticatedRunner; callId: string; input: z.infer<typeof finishToolCallSchema> }): Promise<void> {
  const updated = await opts.db
    .update(agentActivity)
    .set({ outcome: opts.input.outcome, errorCode: opts.input.errorCode ?? null, resultUrl: opts.input.resultUrl ?? null, durationMs: opts.input.durationMs ?? sql`(extract(epoch from now() - ${agentActivity.at}) * 1000)::int` })
    .where(and(eq(agentActivity.id, opts.callId), eq(agentActivity.runnerId, opts.runner.id), eq(agentActivity.outcome, "pending")))
    .returning({ id: agentActivity.id, orgId: agentActivity.orgId, ownerId: agentActivity.ownerId, host: agentActivity.host, provider: agentActivity.provider, tool: agentActivity.tool, repository: agentActivity.repository, durationMs: agentActivity.durationMs });
  const [call] = updated;
  if (!call) throw new AppError("not_found");
  await recordEvent(opts.db, {
    orgId: call.orgId,
    actorType: "runner",
    actorId: null,
    runnerId: opts.runner.id,
    userId: call.ownerId,
    host: call.host,
    provider: call.provider,
    operation: "agent.tool_call",
    stage: "finish",
    outcome: opts.input.outcome,
    errorCode: opts.input.errorCode ?? null,
    durationMs: call.durationMs,
    correlationId: call.id,
    detail: { tool: call.tool, repository: call.repository },
  });
}
