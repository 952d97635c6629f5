import type { ScmIntegration } from "@/db/schema";

/**
 * How an integration appears in the audit log: its settings and whether a client secret is stored,
 * never the sealed box itself.
 */
export function auditSnapshot(i: ScmIntegration) {
  return {
    provider: i.provider,
    host: i.host,
    baseUrl: i.baseUrl,
    issuerUrl: i.issuerUrl,
    virtualDirectory: i.virtualDirectory,
    allowPrivateHosts: i.allowPrivateHosts,
    oauth: { enabled: i.oauthEnabled, clientId: i.oauthClientId, scopes: i.oauthScopes, secretStored: i.oauthClientSecretSealed !== null },
    pat: { enabled: i.patEnabled, scopes: i.patScopes },
  };
}
