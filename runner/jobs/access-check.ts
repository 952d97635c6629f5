import { accessCheckPayloadSchema, type AccessCheckPayload, type AccessCheckResult, type RunnerAccessStep } from "@/lib/diagnostics/access-check-protocol";
import { isAppError } from "@/lib/errors/app-error";
import { getProvider } from "@/lib/providers";
import type { OpenedCredential } from "../credentials/open-credential";
import { classifyGitFailure } from "../git/clone-progress";
import { pinnedRemoteArgs } from "../git/pinned-remote";
import { getProviderClient, ProviderError, type Identity } from "../providers";
import { missingScopes } from "../providers/scopes";
import { lsRemote } from "./access-check-git";
import { parsePayload } from "./job-support";
import type { JobContext, JobHandler } from "./types";

type StepOutcome = Omit<RunnerAccessStep, "id" | "durationMs">;

/** A typed provider or credential failure as a failed step; anything else (an abort, a bug) goes to the executor. */
function failedStep(e: unknown, signal: AbortSignal): StepOutcome {
  if (signal.aborted) throw signal.reason;
  if (e instanceof ProviderError) return { ok: false, code: e.code, note: e.message, providerStatus: e.detail.status, providerError: e.detail.providerError };
  if (isAppError(e)) return { ok: false, code: e.code, note: e.message };
  throw e;
}

/** Who the provider says the token belongs to. Bitbucket API tokens need the account email: kept with connections made since it was stored; git checks older ones. */
async function identify(payload: AccessCheckPayload, credential: OpenedCredential, signal: AbortSignal): Promise<Identity | null> {
  const { integration } = payload;
  const client = getProviderClient(integration.provider);
  const account = client.storedAccount(credential, { ...integration, repository: payload.repository });
  if (!account) return null;
  return client.identify({ endpoints: credential.endpoints, token: credential.accessToken, source: credential.source, ...account, signal });
}

function tokenStep(credential: OpenedCredential, identity: Identity | null): StepOutcome {
  const expiresAt = identity?.expiresAt ?? credential.expiresAt;
  if (expiresAt && Date.parse(expiresAt) <= Date.now()) {
    return { ok: false, code: credential.source === "pat" ? "pat_expired" : "credential_needs_reauth", note: `The token expired at ${expiresAt}.` };
  }
  const who = identity ? `Accepted by the provider as ${identity.login}` : "Opened by the runner (this kind of token is checked by git below)";
  return { ok: true, note: `${who}; ${expiresAt ? `expires at ${expiresAt}` : "does not expire"}.` };
}

function scopesStep(payload: AccessCheckPayload, credential: OpenedCredential, identity: Identity | null): StepOutcome {
  const granted = identity?.scopes ?? (credential.scopes.length > 0 ? credential.scopes : null);
  if (!granted) return { ok: true, note: "The provider does not report this token's scopes; the repository step shows whether they are enough." };
  const provider = getProvider(payload.integration.provider);
  const missing = provider.comparableScopes ? missingScopes(granted, payload.requiredScopes, provider.scopeImplications) : [];
  if (missing.length > 0) return { ok: false, code: "pat_missing_scopes", note: `Missing ${missing.join(", ")} (granted: ${granted.join(", ") || "none"}).` };
  return { ok: true, note: `Granted: ${granted.join(", ") || "none"}.` };
}

async function repositoryStep(payload: AccessCheckPayload, credential: OpenedCredential, signal: AbortSignal): Promise<StepOutcome> {
  const url = new URL(payload.repoUrl);
  if (url.username || url.password || url.origin !== new URL(payload.integration.baseUrl).origin) {
    return { ok: false, code: "repo_url_invalid", note: `The repository must be on ${payload.integration.host}.` };
  }
  const credentials = getProviderClient(payload.integration.provider).gitCredentials(credential.source, credential.login, credential.accessToken);
  const pinned = await pinnedRemoteArgs(url.toString(), payload.integration.allowPrivateHosts);
  const result = await lsRemote(url.toString(), credentials, signal, pinned);
  if (result.code === 0) return { ok: true, note: `git can read ${payload.repository} with this credential.` };
  const failure = classifyGitFailure(result.stderr);
  return { ok: false, code: failure.code, note: failure.message };
}

/**
 * `access.check` (Check access in Diagnostics): with the user's own credential, fetched, opened
 * and (when expiring) refreshed exactly as for a clone, is the token accepted and unexpired, are
 * its scopes enough, and can git read the repository? Each step is reported as progress before it
 * runs; a failed step is a result with its code (the steps stop at the first failure). Changes
 * nothing: a refused credential is not marked here, only reported.
 */
export const accessCheck: JobHandler = async (raw, ctx: JobContext) => {
  const payload = parsePayload(accessCheckPayloadSchema, raw, "check access");
  const steps: RunnerAccessStep[] = [];
  const run = async (id: RunnerAccessStep["id"], work: () => Promise<StepOutcome>): Promise<boolean> => {
    await ctx.progress(id);
    const started = performance.now();
    let outcome: StepOutcome;
    try {
      outcome = await work();
    } catch (e) {
      outcome = failedStep(e, ctx.signal);
    }
    steps.push({ id, ...outcome, durationMs: Math.round(performance.now() - started) });
    return outcome.ok;
  };

  const found: { credential?: OpenedCredential; identity?: Identity | null } = {};
  const tokenOk = await run("token_valid", async () => {
    const credential = await ctx.credentials.acquire({ userId: payload.userId, host: payload.integration.host, signal: ctx.signal });
    found.credential = credential;
    found.identity = await identify(payload, credential, ctx.signal);
    return tokenStep(credential, found.identity);
  });
  const { credential, identity = null } = found;
  if (tokenOk && credential && (await run("scopes", async () => scopesStep(payload, credential, identity)))) {
    await run("repository", () => repositoryStep(payload, credential, ctx.signal));
  }
  return { steps } satisfies AccessCheckResult;
};
