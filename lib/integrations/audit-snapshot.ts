import type { ScmIntegration } from "@/db/schema";

/**
 * How an integration appears in the audit log: its settings and whether a client secret is stored,
 * never the sealed box itself (keys are chosen so the log's redaction keeps the scopes readable).
 */
export function auditSnapshot(i: ScmIntegration) {
  return {
    provider: i.provider,
    host: i.host,
    baseUrl: i.baseUrl,
    issuerUrl: i.issuerUrl,
    virtualDirectory: i.virtualDirectory,
    oauth: { enabled: i.oauthEnabled, clientId: i.oauthClientId, scopes: i.oauthScopes, secretStored: i.oauthClientSecretSealed !== null },
    personalAccess: { enabled: i.patEnabled, scopes: i.patScopes },
  };
}
