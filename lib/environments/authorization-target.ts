import type { ScmIntegration } from "@/db/schema";
import { getProvider, type ProviderId } from "../providers";

/**
 * What the authorization prompt needs for the one host an environment is waiting on: the runner
 * (and its key, to seal a token to), the methods the admin enabled, and where the provider lives
 * (the PAT form derives its instructions from the registry). Sent with `needs_authorization`, so
 * the page never ships every host of every runner up front.
 */
export type AuthorizationTarget = {
  integrationId: string;
  runnerId: string;
  runnerName: string;
  runnerPublicKey: string | null;
  host: string;
  baseUrl: string;
  issuerUrl: string | null;
  virtualDirectory: string | null;
  provider: ProviderId;
  providerName: string;
  oauthEnabled: boolean;
  patEnabled: boolean;
  /** The scopes the admin configured, or null for the provider's defaults. */
  patScopes: string[] | null;
};

/** The prompt's target for an integration on a runner. */
export function authorizationTarget(
  integration: Pick<ScmIntegration, "id" | "runnerId" | "host" | "baseUrl" | "issuerUrl" | "virtualDirectory" | "provider" | "oauthEnabled" | "patEnabled" | "patScopes">,
  runner: { name: string; publicKey: string | null },
): AuthorizationTarget {
  return {
    integrationId: integration.id,
    runnerId: integration.runnerId,
    runnerName: runner.name,
    runnerPublicKey: runner.publicKey,
    host: integration.host,
    baseUrl: integration.baseUrl,
    issuerUrl: integration.issuerUrl ?? null,
    virtualDirectory: integration.virtualDirectory ?? null,
    provider: integration.provider,
    providerName: getProvider(integration.provider).name,
    oauthEnabled: integration.oauthEnabled,
    patEnabled: integration.patEnabled,
    patScopes: integration.patScopes.length > 0 ? [...integration.patScopes] : null,
  };
}
