import type { ToolCallDecision } from "@/lib/agents/authorize-tool-call";
import type { ToolName } from "@/lib/agents/capabilities";
import type { CredentialMessage } from "@/lib/git-auth/job-payloads";
import type { CredentialPlane } from "../credentials/credential-plane";
import { RUNNER_API_PATH } from "@/lib/runners/protocol";
import { describeNetworkError } from "../net-error";
import { normalizePlaneUrl, PlaneError, PlaneUnreachableError } from "../plane-client";
import { USER_AGENT } from "../version";

/** Where the runner API is and the runner's access token for it. */
export type PlaneConnection = { url: string; accessToken: string };

/** The refusals the runner makes before asking the plane, which the plane records for the activity list. */
export type RunnerRefusalCode = "validation_failed" | "repository_host_mismatch";

/** How an allowed call ended, for the activity log. */
export type FinishInput = { outcome: "succeeded" | "failed"; errorCode?: string | null; resultUrl?: string | null; durationMs?: number };

/**
 * The part of the runner API the agent tools use: the policy check and its outcome, plus the
 * credential calls the runner's credential broker needs.
 */
export type AgentToolsPlane = CredentialPlane & {
  /** Asks whether this tool call may go to the provider; the plane records it either way. */
  authorize: (input: { environmentId: string; tool: ToolName; repository?: string; refusedByRunner?: RunnerRefusalCode }, signal?: AbortSignal) => Promise<ToolCallDecision>;
  finish: (callId: string, input: FinishInput, signal?: AbortSignal) => Promise<void>;
};

const TIMEOUT_MS = 15_000;

function bounded(signal: AbortSignal | undefined): AbortSignal {
  const timeout = AbortSignal.timeout(TIMEOUT_MS);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

/**
 * A small client for the runner API's agent-call and credential endpoints, speaking the same
 * errors as the runner's own plane client (`PlaneError` for a typed refusal, `PlaneUnreachableError`
 * for no usable answer).
 */
export function createAgentToolsPlane(connection: PlaneConnection): AgentToolsPlane {
  const planeUrl = normalizePlaneUrl(connection.url);
  const apiBase = `${planeUrl}${RUNNER_API_PATH}`;

  async function call<T>(method: "GET" | "POST", path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const headers: Record<string, string> = { accept: "application/json", "user-agent": USER_AGENT, authorization: `Bearer ${connection.accessToken}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(`${apiBase}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), redirect: "manual", signal: bounded(signal) });
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      throw new PlaneUnreachableError(planeUrl, describeNetworkError(e, TIMEOUT_MS).message);
    }
    const text = await response.text().catch(() => "");
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (response.ok && parsed !== undefined) return parsed as T;
    const error = (parsed as { error?: { code?: unknown; title?: unknown; message?: unknown } } | undefined)?.error;
    if (error && typeof error.code === "string") throw new PlaneError(error.code, response.status, String(error.title ?? error.code), String(error.message ?? ""));
    throw new PlaneUnreachableError(planeUrl, `${apiBase}${path.split("?")[0]} answered HTTP ${response.status} without the runner API's JSON.`);
  }

  const id = (value: string) => encodeURIComponent(value);
  return {
    authorize: (input, signal) => call("POST", "/agent-calls", input, signal),
    finish: async (callId, input, signal) => {
      await call("POST", `/agent-calls/${id(callId)}/finish`, input, signal);
    },
    credential: (userId, host, signal) => call<CredentialMessage>("GET", `/credentials?${new URLSearchParams({ userId, host })}`, undefined, signal),
    rotate: (credentialId, body, signal) => call("POST", `/credentials/${id(credentialId)}/rotate`, body, signal),
    needsReauth: async (credentialId, body, signal) => {
      await call("POST", `/credentials/${id(credentialId)}/needs-reauth`, body, signal);
    },
  };
}
