import type { z } from "zod";
import type { ToolCallDecision } from "@/lib/agents/authorize-tool-call";
import type { ToolName } from "@/lib/agents/capabilities";
import { isAppError } from "@/lib/errors/app-error";
import { isErrorCode } from "@/lib/errors/catalogue";
import { log } from "@/runner/log";
import { getProvider, type ProviderId } from "@/lib/providers";
import type { CredentialBroker } from "../credentials/credential-broker";
import type { OpenedCredential } from "../credentials/open-credential";
import { PlaneError, PlaneUnreachableError } from "../plane-client";
import { ProviderError, scmBackends } from "../providers";
import { checkedOutBranch, type BackendContext, type ToolResult } from "./backend";
import type { AgentToolsPlane, RunnerRefusalCode } from "./plane-api";
import { resolveRepository } from "./repository";
import { cancelled, forAgent } from "./agent-failure";
import { notFoundInstead } from "./not-found";
import { ToolFailure } from "./tool-error";
import { refusalDetailOf } from "./refusal-detail";
import { filterDigest, openCursor, sealCursor } from "./cursor";
import { countOf } from "@/lib/text/count";
import { toolInputSchemas, type ToolInputSchemas } from "./tool-schemas";

/** The environment a tools server acts for. */
export type AgentEnvironment = {
  id: string;
  ownerId: string;
  /** Normalized `host[:port]` of the environment's repository. */
  host: string;
  provider: ProviderId;
  /** `owner/name` (GitLab: `group/sub/name`). */
  repoPath: string;
  /** The working copy, to find the checked-out branch; null when not on this machine. */
  workdir: string | null;
};

/** What every call needs: the environment, the plane, and the runner's way to the owner's credential. */
export type ToolCallContext = {
  environment: AgentEnvironment;
  plane: AgentToolsPlane;
  credentials: CredentialBroker;
  /** Longest one provider request may take (default 20 s). */
  timeoutMs?: number;
};

/** The longest piece of the caller's own input quoted back in an answer. */
export const MAX_QUOTED = 64;

/** A caller-given name, quoted and cut to `MAX_QUOTED` characters. */
export function quoted(name: string): string {
  const printable = name.replace(/[\u0000-\u001f\u007f]/g, "?");
  return JSON.stringify(printable.length > MAX_QUOTED ? `${printable.slice(0, MAX_QUOTED)}…` : printable);
}

function unknownKeys(keys: string[]): string {
  const shown = keys.slice(0, 3).map(quoted).join(", ");
  const more = keys.length > 3 ? ` and ${keys.length - 3} more` : "";
  return `${countOf(keys.length, "unknown field")} (${shown}${more}): remove ${keys.length === 1 ? "it" : "them"}; the tool's input schema lists the fields it takes.`;
}

function validationFailure(error: z.ZodError): ToolFailure {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const missing = issue.code === "invalid_type" && /received undefined$/.test(issue.message);
    const message = issue.code === "unrecognized_keys" ? unknownKeys(issue.keys) : missing ? "Required." : issue.message;
    const field = issue.path.map((p) => (typeof p === "string" && p.length > MAX_QUOTED ? `${p.slice(0, MAX_QUOTED)}…` : String(p))).join(".");
    (fieldErrors[field || "arguments"] ??= []).push(message);
  }
  const fields = Object.keys(fieldErrors).filter((f) => f !== "arguments");
  const which = fields.length > 0 ? ` (${fields.join(", ")})` : "";
  return new ToolFailure("validation_failed", `The arguments do not match the tool's input schema${which}; nothing was sent to the provider.`, { fieldErrors });
}

/** Parses a tool's arguments against its schema; malformed ones never leave the runner. */
export function parseToolInput<K extends ToolName>(schemas: ToolInputSchemas, tool: K, raw: unknown): z.output<ToolInputSchemas[K]> {
  const parsed = (schemas[tool] as z.ZodType).safeParse(raw ?? {});
  if (!parsed.success) throw validationFailure(parsed.error);
  return parsed.data as z.output<ToolInputSchemas[K]>;
}

function notSupported(provider: ProviderId): ToolFailure {
  return new ToolFailure("scm_tools_not_supported", `Agent SCM tools are not available for ${getProvider(provider).name}. Git itself (clone, commit, push) keeps working in the environment.`);
}

async function askPlane(ctx: ToolCallContext, tool: ToolName, repository: string | undefined): Promise<ToolCallDecision> {
  try {
    return await ctx.plane.authorize({ environmentId: ctx.environment.id, tool, ...(repository ? { repository } : {}) });
  } catch (e) {
    // No answer, no call: the policy is the plane's to decide.
    if (e instanceof PlaneUnreachableError) throw new ToolFailure("runner_offline", "The runner could not reach the management plane to check the organization's policy. Nothing was done.");
    if (e instanceof PlaneError) throw new ToolFailure(isErrorCode(e.code) ? e.code : "internal_error", e.code === "not_found" ? "The management plane does not know this environment on this runner." : e.title);
    throw e;
  }
}

/**
 * The owner's credential, opened (and refreshed when due) by the runner's credential broker. Its
 * failures (no usable connection, a refresh refused, the plane out of reach) carry catalogue codes.
 */
async function ownerCredential(ctx: ToolCallContext, tool: ToolName, decision: { ownerId: string; host: string }, signal: AbortSignal): Promise<OpenedCredential> {
  try {
    return await ctx.credentials.acquire({ userId: decision.ownerId, host: decision.host, signal });
  } catch (e) {
    if (signal.aborted) throw cancelled(tool, false);
    if (e instanceof ProviderError) throw new ToolFailure(e.code, e.message, { retryAfterSeconds: e.detail.retryAfterSeconds });
    if (isAppError(e)) throw new ToolFailure(e.code, e.message);
    throw e;
  }
}

function unexpected(e: unknown, tool: ToolName): ToolFailure {
  log.error("agent_tools.unexpected_failure", { tool, error: e instanceof Error ? e.name : typeof e });
  return new ToolFailure("internal_error", "The tool failed unexpectedly. Nothing is known to have been done.");
}

/** Which check of the organization's policy refused, in words; undefined keeps the catalogue's. */
function policyMessage(policy: { reason: string; capability: string } | undefined): string | undefined {
  const capability = policy?.capability.replace(/_/g, " ");
  switch (policy?.reason) {
    case "capability_off":
      return `The organization has switched off the ${capability} capability of the agent tools (Settings > Agents). Nothing was done; other capabilities may still be on.`;
    case "not_in_allowed_group":
      return "The organization allows the agent tools only for members of certain groups, and the environment's owner is in none of them (Settings > Agents). Nothing was done.";
    case "tools_disabled":
      return "The organization has switched the agent tools off (Settings > Agents). Nothing was done.";
    default:
      return undefined;
  }
}

/**
 * A call refused here (it never reaches the provider) still belongs in the activity list: the plane
 * records it. Best effort: the refusal stands whether or not the plane answers.
 */
async function recordRunnerRefusal(ctx: ToolCallContext, tool: ToolName, code: RunnerRefusalCode, repository: string | undefined, failure: ToolFailure): Promise<void> {
  const refusalDetail = refusalDetailOf(failure);
  await ctx.plane.authorize({ environmentId: ctx.environment.id, tool, refusedByRunner: code, ...(repository ? { repository } : {}), ...(refusalDetail ? { refusalDetail } : {}) }).catch((e: unknown) => {
    log.warn("agent_tools.refusal_not_recorded", { tool, errorCode: code, error: e instanceof Error ? e.name : typeof e });
  });
}

/** The link the activity log may show: http(s) only, as the plane requires. */
function linkOf(url: string | null): string | null {
  return url && /^https?:\/\//i.test(url) && url.length <= 2000 ? url : null;
}

/**
 * One tool call, in the order that keeps a refusal free of side effects: parse the arguments,
 * refuse another host's repository, ask the plane (which records the call and applies the policy
 * as it is now), open the owner's credential (refreshing it if due), call the provider, and report
 * the outcome with the resulting URL. Throws `ToolFailure` for every refusal or failure.
 */
export async function runToolCall(ctx: ToolCallContext, schemas: ToolInputSchemas, tool: ToolName, raw: unknown, signal: AbortSignal): Promise<ToolResult> {
  let parsed: { input: Record<string, unknown>; repository: string | undefined };
  try {
    const { repository: named, ...input } = parseToolInput(schemas, tool, raw) as { repository?: string } & Record<string, unknown>;
    parsed = { input, repository: resolveRepository(named, ctx.environment) };
  } catch (e) {
    if (e instanceof ToolFailure && (e.code === "validation_failed" || e.code === "repository_host_mismatch")) {
      const named = (raw as { repository?: unknown } | null)?.repository;
      await recordRunnerRefusal(ctx, tool, e.code, typeof named === "string" && named.length > 0 && named.length <= 300 ? named : undefined, e);
    }
    throw e;
  }
  const { input, repository } = parsed;
  if (typeof input.cursor === "string") {
    // A cursor made for another tool or other arguments is refused before anything is asked.
    try {
      openCursor(tool, filterDigest(repository ?? ctx.environment.repoPath, input), input.cursor);
    } catch (e) {
      if (e instanceof ToolFailure) await recordRunnerRefusal(ctx, tool, "validation_failed", repository, e);
      throw e;
    }
  }
  const decision = await askPlane(ctx, tool, repository);
  if (!decision.allowed) {
    throw decision.code === "scm_tools_not_supported" ? notSupported(ctx.environment.provider) : new ToolFailure(decision.code, policyMessage(decision.policy));
  }
  const started = Date.now();
  const finish = (outcome: "succeeded" | "failed", url: string | null, errorCode: string | null) =>
    ctx.plane.finish(decision.callId, { outcome, errorCode, resultUrl: linkOf(url), durationMs: Date.now() - started }).catch((e: unknown) => {
      log.warn("agent_tools.finish_not_recorded", { tool, callId: decision.callId, error: e instanceof Error ? e.name : typeof e });
    });
  let credential: OpenedCredential | null = null;
  let backendContext: BackendContext | null = null;
  let providerCalled = false;
  const backend = scmBackends[decision.provider];
  try {
    if (!backend) throw notSupported(decision.provider);
    credential = await ownerCredential(ctx, tool, decision, signal);
    backendContext = {
      apiUrl: credential.endpoints.apiUrl,
      webUrl: credential.endpoints.webUrl,
      host: decision.host,
      token: credential.accessToken,
      repository: decision.repository,
      signal,
      timeoutMs: ctx.timeoutMs ?? 20_000,
      currentBranch: () => checkedOutBranch(ctx.environment.workdir),
      account: { source: credential.source, patUsername: credential.patUsername },
    };
    const call = backend[tool] as (c: BackendContext, i: Record<string, unknown>) => Promise<ToolResult>;
    providerCalled = true;
    const result = sealPositions(tool, decision.repository, input, await call(backendContext, opened(tool, decision.repository, input)));
    await finish("succeeded", result.url, null);
    return result;
  } catch (e) {
    let failure = signal.aborted ? cancelled(tool, providerCalled) : e instanceof ToolFailure ? e : unexpected(e, tool);
    if (backendContext && backend && !signal.aborted) {
      failure = forAgent(await notFoundInstead(failure, { tool, input, provider: decision.provider, backend, ctx: backendContext }), { tool, provider: decision.provider, host: decision.host });
    }
    if (failure.code === "credential_needs_reauth" && credential) {
      // The provider refused the token itself: the owner must reconnect, and Settings should say so.
      await ctx.credentials.refused(credential, "revoked");
    }
    await finish("failed", null, failure.code);
    throw failure;
  }
}

/** The input as the backend takes it: the agent's sealed cursor opened to the backend's own position. */
function opened(tool: ToolName, repository: string, input: Record<string, unknown>): Record<string, unknown> {
  if (typeof input.cursor !== "string") return input;
  return { ...input, cursor: openCursor(tool, filterDigest(repository, input), input.cursor) };
}

/**
 * The backend's next positions sealed into cursors for the agent: a list's `nextCursor`, and the
 * cursor get_issue hands on to list_issue_comments for the comments after those it shows.
 */
function sealPositions(tool: ToolName, repository: string, input: Record<string, unknown>, result: ToolResult): ToolResult {
  const data = result.data as Record<string, unknown>;
  if (typeof data.nextCursor === "string") {
    return { ...result, data: { ...data, nextCursor: sealCursor(tool, filterDigest(repository, input), data.nextCursor) } as ToolResult["data"] };
  }
  if (tool === "get_issue" && typeof data.commentsNextCursor === "string") {
    const next = sealCursor("list_issue_comments", filterDigest(repository, { number: input.number }), data.commentsNextCursor);
    return { ...result, data: { ...data, commentsNextCursor: next } as ToolResult["data"] };
  }
  return result;
}

/** The schemas for an environment (its repository named in the `repository` field's description). */
export function schemasFor(environment: AgentEnvironment): ToolInputSchemas {
  return toolInputSchemas(environment.repoPath);
}
