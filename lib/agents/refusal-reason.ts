import { z } from "zod";
import { capabilities, capabilityLabels, type Capability } from "./capabilities";
import type { AgentPolicyRefusalReason } from "./get-agent-policy";

/** The refusals a runner makes itself, before asking the plane (it only records them). */
export const runnerRefusalReasons = ["validation_failed", "repository_host_mismatch"] as const;
export type RunnerRefusalReason = (typeof runnerRefusalReasons)[number];

/** Which check refused a call: one of the policy's, or the runner's own. */
export type RefusalReason = AgentPolicyRefusalReason | RunnerRefusalReason;

const knownReasons: readonly RefusalReason[] = ["tools_disabled", "capability_off", "not_in_allowed_group", ...runnerRefusalReasons];

/** One field name as a tool's input schema spells it (`number`, `labels.0`): never a value. */
const FIELD_NAME = "[A-Za-z0-9_.]{1,64}";

/**
 * What a runner may add to its refusal: the names of the fields that failed, comma-separated
 * (`number, body`). Bounded and restricted to schema-name characters so that no argument value,
 * and so no secret an agent pasted, can be stored through it.
 */
export const refusalDetailSchema = z
  .string()
  .max(200)
  .regex(new RegExp(`^${FIELD_NAME}(, ${FIELD_NAME})*$`), "Field names only, separated by \", \".");

/** The `agent_activity.refusal_reason` text: the reason, then `: ` and the detail when there is one. */
export function formatRefusalReason(reason: RefusalReason, detail?: string | null): string {
  return detail ? `${reason}: ${detail}` : reason;
}

/** Reads a stored `refusal_reason`; null for none or one this version does not know. */
export function parseRefusalReason(stored: string | null): { reason: RefusalReason; detail: string | null } | null {
  if (!stored) return null;
  const at = stored.indexOf(": ");
  const reason = at === -1 ? stored : stored.slice(0, at);
  const found = knownReasons.find((r) => r === reason);
  if (!found) return null;
  return { reason: found, detail: at === -1 ? null : stored.slice(at + 2) || null };
}

function isCapability(value: string): value is Capability {
  return (capabilities as readonly string[]).includes(value);
}

/**
 * Why a call was refused, in words for the activity list ("The Issues capability is switched off",
 * "Arguments did not match: number, body"); null when no reason was recorded, so the error code's
 * title stands alone.
 */
export function describeRefusalReason(stored: string | null, capability: string): string | null {
  const parsed = parseRefusalReason(stored);
  if (!parsed) return null;
  switch (parsed.reason) {
    case "tools_disabled":
      return "SCM tools are switched off for the organization";
    case "capability_off":
      return isCapability(capability) ? `The ${capabilityLabels[capability].label} capability is switched off` : "The tool's capability is switched off";
    case "not_in_allowed_group":
      return "The owner is in none of the allowed groups";
    case "validation_failed":
      return parsed.detail ? `Arguments did not match: ${parsed.detail}` : "Arguments did not match the tool's input schema";
    case "repository_host_mismatch":
      return "The repository named is on another host than the environment's";
  }
}
