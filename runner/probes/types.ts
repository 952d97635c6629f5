import type { ErrorCode } from "@/lib/errors/catalogue";
import type { ProviderEndpoints } from "@/lib/providers";
import type { IntegrationCheck } from "@/lib/runners/protocol";

/** A check's verdict, before timing is added. */
export type CheckOutcome = { ok: true } | { ok: false; code: ErrorCode; field?: IntegrationCheck["field"]; message: string };

/** The OAuth client under test; the secret is plaintext in memory for the duration of the check only. */
export type OAuthClientUnderTest = { clientId: string; clientSecret: string };

/**
 * How Save & Test recognizes one provider: whether its API answers like that provider, and
 * whether its token endpoint accepts an OAuth client (told apart from a refused authorization code).
 */
export type ProviderProbe = {
  api: (endpoints: ProviderEndpoints, signal: AbortSignal) => Promise<CheckOutcome>;
  oauthClient: (endpoints: ProviderEndpoints, client: OAuthClientUnderTest, signal: AbortSignal) => Promise<CheckOutcome>;
};
