import crypto from "node:crypto";
import type { IntegrationCheck } from "@/lib/runners/protocol";
import { describeAnswer, jsonObject, probe, type ProbeAnswer, unreachableCode } from "./http";
import type { CheckOutcome } from "./types";

/**
 * What the token endpoint's answer to a deliberately invalid authorization code says about the
 * client: `accepted` (it complained about the code, so it authenticated the client), `refused`
 * (client id or secret wrong, the provider does not say which), `unknown_client` (the provider
 * says the client id does not exist), or null when the answer says neither.
 */
export type ClientVerdict = "accepted" | "refused" | "unknown_client" | null;

/** An authorization code no provider ever issued: the check never obtains a token. */
export function invalidAuthorizationCode(): string {
  return `scm-save-and-test-${crypto.randomBytes(16).toString("hex")}`;
}

/**
 * The answer's OAuth `error` code, when it looks like one. Anything else is ignored: a hostile
 * server could echo what it was sent (the secret) into that field, and this text is stored.
 */
export function oauthErrorOf(answer: ProbeAnswer): string | null {
  const error = jsonObject(answer)?.error;
  return typeof error === "string" && /^[a-z_]{1,64}$/.test(error) ? error : null;
}

/**
 * POSTs an invalid code to the token endpoint and turns the provider's verdict into a check
 * outcome. `clientIdKnown`, when given, tells a wrong client id from a wrong secret for providers
 * whose token endpoint does not (null: cannot tell, blame the secret).
 */
export async function checkTokenEndpoint(opts: {
  tokenUrl: string;
  form: Record<string, string>;
  headers?: Record<string, string>;
  signal: AbortSignal;
  /** The form field a network failure of the token endpoint belongs to. */
  endpointField: IntegrationCheck["field"];
  classify: (answer: ProbeAnswer) => ClientVerdict;
  clientIdKnown?: () => Promise<boolean | null>;
}): Promise<CheckOutcome> {
  const answer = await probe(
    opts.tokenUrl,
    {
      method: "POST",
      headers: { accept: "application/json", "content-type": "application/x-www-form-urlencoded", ...opts.headers },
      body: new URLSearchParams(opts.form).toString(),
    },
    opts.signal,
  );
  if (!answer.ok) return { ok: false, code: unreachableCode(answer), field: opts.endpointField, message: `The OAuth token endpoint did not answer: ${answer.message}` };
  const verdict = opts.classify(answer);
  if (verdict === "accepted") return { ok: true };
  if (verdict === "unknown_client" || verdict === "refused") {
    const known = verdict === "unknown_client" ? false : ((await opts.clientIdKnown?.()) ?? null);
    return known === false
      ? { ok: false, code: "oauth_client_invalid", field: "oauthClientId", message: "The provider does not know this client id." }
      : { ok: false, code: "oauth_client_invalid", field: "oauthClientSecret", message: "The provider refused the client secret for this client id." };
  }
  const error = oauthErrorOf(answer);
  if (error) return { ok: false, code: "provider_error", message: `The OAuth token endpoint answered ${describeAnswer(answer)} with error "${error}".` };
  return { ok: false, code: "api_unexpected_response", field: opts.endpointField, message: `The OAuth token endpoint answered ${describeAnswer(answer)}, not like an OAuth server.` };
}

/**
 * Sent where a provider insists on a redirect_uri before it looks at the client. The code is
 * invalid anyway, so nothing is ever redirected there.
 */
export const PLACEHOLDER_REDIRECT_URI = "https://localhost/scm-save-and-test";
