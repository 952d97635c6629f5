import type { ToolCallDecision } from "@/lib/agents/authorize-tool-call";
import type { ToolName } from "@/lib/agents/capabilities";
import type { CredentialPlane } from "../credentials/credential-plane";
import { createPlaneClient } from "../plane-client";

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
  authorize: (input: { environmentId: string; tool: ToolName; repository?: string; refusedByRunner?: RunnerRefusalCode; refusalDetail?: string }, signal?: AbortSignal) => Promise<ToolCallDecision>;
  finish: (callId: string, input: FinishInput, signal?: AbortSignal) => Promise<void>;
};

/**
 * The runner API as the agent tools use it: the runner's own plane client (its errors are
 * `PlaneError` for a typed refusal, `PlaneUnreachableError` for no usable answer) plus the
 * agent-call endpoints.
 */
export function createAgentToolsPlane(connection: PlaneConnection): AgentToolsPlane {
  const client = createPlaneClient({ planeUrl: connection.url, accessToken: connection.accessToken });
  return {
    authorize: (input, signal) => client.call<ToolCallDecision>("POST", "/agent-calls", { body: input, signal }),
    finish: async (callId, input, signal) => {
      await client.call("POST", `/agent-calls/${encodeURIComponent(callId)}/finish`, { body: input, signal });
    },
    credential: client.credential,
    environmentCredential: client.environmentCredential,
    rotate: client.rotate,
    needsReauth: client.needsReauth,
  };
}
