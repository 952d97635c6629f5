import type { ScmIntegration } from "@/db/schema";
import type { IntegrationRef } from "./job-payloads";

/** The part of an integration a runner needs to talk to its provider (the client secret stays sealed). */
export function integrationRef(integration: ScmIntegration): IntegrationRef {
  return {
    integrationId: integration.id,
    provider: integration.provider,
    host: integration.host,
    baseUrl: integration.baseUrl,
    issuerUrl: integration.issuerUrl,
    virtualDirectory: integration.virtualDirectory,
    allowPrivateHosts: integration.allowPrivateHosts,
    oauthClientId: integration.oauthEnabled ? integration.oauthClientId : null,
    oauthClientSecretSealed: integration.oauthEnabled ? integration.oauthClientSecretSealed : null,
    patScopes: integration.patScopes,
    oauthScopes: integration.oauthScopes,
  };
}
