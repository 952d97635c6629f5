import { openSealed, SealError } from "@/lib/crypto/sealed-box";
import { getProvider } from "@/lib/providers";
import { integrationTestPayloadSchema, type IntegrationCheck, type IntegrationTestPayload, type IntegrationTestResult } from "@/lib/runners/protocol";
import { setPrivateNetworkAllowed } from "../net/egress";
import { probe, unreachableCode } from "../probes/http";
import { providerProbes } from "../probes/registry";
import type { CheckOutcome, OAuthClientUnderTest } from "../probes/types";
import { JobFailure, type JobContext, type JobHandler } from "./types";

const SEAL_MESSAGES: Record<SealError["reason"], string> = {
  malformed: "The stored client secret is not a sealed box this runner can read.",
  wrong_key: "The client secret was sealed to another runner key (this runner was re-registered since). Enter the secret again.",
  cannot_open: "The client secret could not be opened with this runner's key. Enter the secret again.",
  context_mismatch: "The client secret was sealed for another runner or host. Enter the secret again.",
  expired: "The sealed client secret has expired. Enter the secret again.",
};

function parsePayload(raw: unknown): IntegrationTestPayload {
  const parsed = integrationTestPayloadSchema.safeParse(raw);
  if (!parsed.success) {
    throw new JobFailure("validation_failed", "The Save & Test request from the management plane is malformed.", {
      detail: { issues: parsed.error.issues.slice(0, 5).map((i) => i.path.join(".")) },
    });
  }
  return parsed.data;
}

/** Opens the client secret only if it was sealed to this runner, for `oauth_client_secret`, for this host. */
async function openClientSecret(payload: IntegrationTestPayload, ctx: JobContext): Promise<OAuthClientUnderTest | null> {
  if (!payload.oauth) return null;
  try {
    const { value } = await openSealed(ctx.keys, payload.oauth.clientSecretSealed, { purpose: "oauth_client_secret", runnerId: ctx.runnerId, host: payload.host });
    return { clientId: payload.oauth.clientId, clientSecret: value };
  } catch (e) {
    if (!(e instanceof SealError)) throw e;
    throw new JobFailure("sealed_secret_invalid", SEAL_MESSAGES[e.reason], { fieldErrors: { oauthClientSecret: [SEAL_MESSAGES[e.reason]] }, detail: { reason: e.reason } });
  }
}

/** The host answers HTTP at all: any status counts; only DNS, connection, TLS and timeouts fail. */
async function checkReachable(url: string, signal: AbortSignal): Promise<CheckOutcome> {
  const answer = await probe(url, {}, signal);
  if (answer.ok) return { ok: true };
  return { ok: false, code: unreachableCode(answer), field: "host", message: `${new URL(url).host}: ${answer.message}` };
}

/**
 * `integration.test` (Save & Test): from this runner's network, is the host reachable, does its
 * API answer like the selected provider, and does the token endpoint accept the OAuth client? Each
 * stage is reported as progress before it runs. A failed check is a result (ok: false with the
 * catalogue code and the form field); the checks stop at the first failure, since the later ones
 * would only repeat it. Job errors are for when the runner cannot do the work at all, e.g. a client
 * secret sealed to another runner (`sealed_secret_invalid`).
 */
export const integrationTest: JobHandler = async (raw, ctx) => {
  const payload = parsePayload(raw);
  const client = await openClientSecret(payload, ctx);
  const endpoints = getProvider(payload.provider).endpoints({
    host: payload.host,
    baseUrl: payload.baseUrl,
    issuerUrl: payload.issuerUrl,
    virtualDirectory: payload.virtualDirectory,
  });
  setPrivateNetworkAllowed(Object.values(endpoints), payload.allowPrivateHosts);
  const providerProbe = providerProbes[payload.provider];
  const checks: IntegrationCheck[] = [];
  const run = async (id: IntegrationCheck["id"], check: () => Promise<CheckOutcome>): Promise<boolean> => {
    await ctx.progress(id);
    const started = performance.now();
    const outcome = await check();
    checks.push({ id, ...outcome, durationMs: Math.round(performance.now() - started) });
    return outcome.ok;
  };

  if ((await run("reachable", () => checkReachable(endpoints.webUrl, ctx.signal))) && (await run("api", () => providerProbe.api(endpoints, ctx.signal))) && client) {
    await run("oauth_client", () => providerProbe.oauthClient(endpoints, client, ctx.signal));
  }
  return { checks } satisfies IntegrationTestResult;
};
