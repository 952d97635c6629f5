import type { HostAuthToken, Runner, ScmIntegration } from "@/db/schema";
import type { ErrorCode } from "../errors/catalogue";
import { getProvider } from "../providers";
import { runnerStatus } from "../runners/runner-status";
import { accessStepIds, type AccessStepId } from "./access-check-protocol";

export type AccessStepState = "passed" | "failed" | "skipped" | "waiting" | "running";

/** One step as people see it: its state, the typed code when it failed, and a user-safe note. */
export type AccessStepView = { id: AccessStepId; state: AccessStepState; code: ErrorCode | null; note: string | null; durationMs: number | null };

export type PlaneFacts = {
  host: string;
  runner: Pick<Runner, "id" | "name" | "registeredAt" | "lastSeenAt" | "keyId"> | null;
  integration: ScmIntegration | null;
  token: HostAuthToken | null;
  offlineAfterMs: number;
  now?: number;
};

function ago(date: Date | null, now: number): string {
  if (!date) return "never";
  const s = Math.max(0, Math.round((now - date.getTime()) / 1000));
  return s < 120 ? `${s} s ago` : s < 7200 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
}

const method = (source: "oauth" | "pat") => (source === "oauth" ? "OAuth" : "a personal access token");

/**
 * The plane's own steps of Check access, in order, from what it knows: is the runner online, does
 * it offer the host, has the user connected a usable credential there, and (when the plane can
 * tell) has that credential expired beyond refresh. Stops at the first failure: later steps are
 * `skipped`; the steps the runner checks are `waiting` when everything here passed.
 */
export function planeAccessSteps(facts: PlaneFacts): AccessStepView[] {
  const now = facts.now ?? Date.now();
  const out: AccessStepView[] = [];
  let failed = false;
  const push = (id: AccessStepId, result: { ok: boolean; code?: ErrorCode; note: string } | "skipped") => {
    if (failed || result === "skipped") {
      out.push({ id, state: "skipped", code: null, note: result === "skipped" ? `No runner offers ${facts.host}.` : null, durationMs: null });
      return;
    }
    out.push({ id, state: result.ok ? "passed" : "failed", code: result.ok ? null : (result.code ?? "internal_error"), note: result.note, durationMs: null });
    if (!result.ok) failed = true;
  };

  const { runner, integration, token } = facts;
  if (!runner) push("runner_online", "skipped");
  else {
    const status = runnerStatus(runner, facts.offlineAfterMs, now);
    push("runner_online", status === "online" ? { ok: true, note: `${runner.name} was last seen ${ago(runner.lastSeenAt, now)}.` } : { ok: false, code: "runner_offline", note: status === "unregistered" ? `${runner.name} has never registered.` : `${runner.name} was last seen ${ago(runner.lastSeenAt, now)}.` });
  }
  push(
    "integration",
    integration
      ? { ok: true, note: `${getProvider(integration.provider).name} on ${runner?.name ?? "the runner"}: OAuth ${integration.oauthEnabled ? "on" : "off"}, personal access tokens ${integration.patEnabled ? "on" : "off"}.` }
      : { ok: false, code: "no_integration_for_host", note: `${runner ? runner.name : "No runner"} offers no integration for ${facts.host}.` },
  );
  if (!token) push("authorized", { ok: false, code: "not_authorized_for_host", note: `The user has not connected an account for ${facts.host}${runner ? ` on ${runner.name}` : ""}.` });
  else {
    const methodOn = token.source === "oauth" ? integration?.oauthEnabled : integration?.patEnabled;
    const problem = !methodOn
      ? `Connected with ${method(token.source)}, which an admin has since turned off for this host.`
      : token.keyId !== runner?.keyId
        ? "The credential was sealed to a key the runner no longer has (it was registered again)."
        : token.needsReauthReason
          ? `The credential needs re-authentication (${token.needsReauthReason.replace(/_/g, " ")}).`
          : null;
    push("authorized", problem ? { ok: false, code: "credential_needs_reauth", note: problem } : { ok: true, note: `Connected${token.subjectLogin ? ` as ${token.subjectLogin}` : ""} with ${method(token.source)}.` });
  }
  // An expired token the runner cannot refresh fails here; anything else is the runner's to probe.
  const expired = token?.expiresAt && token.expiresAt.getTime() <= now && !(token.source === "oauth" && token.refreshTokenSealed);
  if (expired && token) push("token_valid", { ok: false, code: token.source === "pat" ? "pat_expired" : "credential_needs_reauth", note: `The token expired ${ago(token.expiresAt, now)}.` });
  for (const id of accessStepIds.slice(out.length)) {
    out.push({ id, state: failed ? "skipped" : "waiting", code: null, note: null, durationMs: null });
  }
  return out;
}

/** The scopes a credential of `source` needs on this integration: the admin's choice, or the provider's defaults. */
export function requiredScopes(integration: ScmIntegration, source: "oauth" | "pat"): string[] {
  const provider = getProvider(integration.provider);
  if (source === "pat") return integration.patScopes.length > 0 ? integration.patScopes : provider.patScopes.map((s) => s.scope);
  return integration.oauthScopes.length > 0 ? integration.oauthScopes : provider.oauthScopes.map((s) => s.scope);
}
