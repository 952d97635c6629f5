import type { Environment, RunnerJob } from "@/db/schema";
import type { ErrorCode } from "../errors/catalogue";

/**
 * What people see of an environment: the stored lifecycle plus what is true of it now, derived
 * when it is read — "Needs reconnect" (the owner's connection for its host on its runner no longer
 * works) and "Owner disabled" (the owner is disabled or no longer a member).
 */
export const environmentStates = ["creating", "ready", "needs_reconnect", "owner_disabled", "failed", "deleting", "deleted"] as const;
export type EnvironmentState = (typeof environmentStates)[number];

/** Why an environment needs its owner to reconnect. */
export type ReconnectReason = "disconnected" | "expired" | "revoked" | "refresh_failed" | "runner_key_rotated" | "method_disabled" | "no_integration";

/** The facts one row of the environments query carries about the owner's credential for the environment's host. */
export type CredentialFacts = {
  /** The owner's token for the runner and host (null: none). */
  token: { integrationId: string; source: "oauth" | "pat"; keyId: string; needsReauthReason: string | null } | null;
  /** The runner's current key id (null: never registered). */
  runnerKeyId: string | null;
  /** The runner's integration for the host (null: the admin removed it). */
  integration: { id: string; oauthEnabled: boolean; patEnabled: boolean } | null;
};

/**
 * Why the owner's credential cannot be used, or null when it can — the rules of
 * `findUsableCredential`: a token exists, is not marked for re-authentication, is sealed to the
 * runner's current key, and comes from a method the admin still enables on the integration.
 */
export function reconnectReason(f: CredentialFacts): ReconnectReason | null {
  if (!f.integration) return "no_integration";
  if (!f.token || f.token.integrationId !== f.integration.id) return "disconnected";
  if (f.token.needsReauthReason) {
    const r = f.token.needsReauthReason;
    return r === "expired" || r === "revoked" || r === "refresh_failed" || r === "runner_key_rotated" ? r : "revoked";
  }
  if (f.token.keyId !== f.runnerKeyId) return "runner_key_rotated";
  if (f.token.source === "oauth" ? !f.integration.oauthEnabled : !f.integration.patEnabled) return "method_disabled";
  return null;
}

export type StateFacts = {
  stored: Environment["status"];
  /** The clone job's status (null: no job). */
  jobStatus: RunnerJob["status"] | null;
  /** The owner is an active member (not disabled, still in the organization). */
  ownerActive: boolean;
  /** Why the owner must reconnect (null: their credential works). */
  reconnect: ReconnectReason | null;
};

/**
 * The state shown for an environment. Deletion wins over everything; a clone whose job failed or
 * was cancelled is failed; an owner who is disabled suspends the environment whatever else holds;
 * a ready environment whose owner's credential no longer works needs reconnecting.
 */
export function deriveEnvironmentState(f: StateFacts): EnvironmentState {
  if (f.stored === "deleted") return "deleted";
  if (f.stored === "deleting") return "deleting";
  if (f.stored === "failed") return "failed";
  if (f.stored !== "ready" && (f.jobStatus === "failed" || f.jobStatus === "cancelled")) return "failed";
  if (!f.ownerActive) return "owner_disabled";
  if (f.stored !== "ready") return "creating";
  return f.reconnect ? "needs_reconnect" : "ready";
}

/**
 * The catalogue entry that explains a state and says what to do (null: nothing to explain). A
 * failed clone is explained by its own error code.
 */
export function stateErrorCode(state: EnvironmentState, failure: string | null): ErrorCode | string | null {
  switch (state) {
    case "needs_reconnect":
      return "credential_needs_reauth";
    case "owner_disabled":
      return "environment_owner_disabled";
    case "deleting":
    case "deleted":
      return "environment_deleted";
    case "failed":
      return failure ?? "internal_error";
    default:
      return null;
  }
}
