import { and, asc, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { hostAuthTokens, runners, scmIntegrations } from "@/db/schema";
import { getProvider, type ProviderId, type ScopeRequirement } from "../providers";
import type { Actor } from "../users/actor";
import { manualRevokeUrl, revokesAtProvider } from "./manual-revoke-url";

export type ConnectionState =
  | { kind: "not_connected" }
  | {
      kind: "connected";
      source: "oauth" | "pat";
      login: string | null;
      scopes: string[];
      expiresAt: Date | null;
      lastValidatedAt: Date | null;
      lastUsedAt: Date | null;
    }
  | { kind: "needs_reauth"; source: "oauth" | "pat"; login: string | null; reason: "expired" | "revoked" | "runner_key_rotated" | "method_disabled" | "refresh_failed" };

export type GitAuthenticationRow = {
  integrationId: string;
  runnerId: string;
  runnerName: string;
  provider: ProviderId;
  providerName: string;
  host: string;
  oauthEnabled: boolean;
  patEnabled: boolean;
  /** Whether the runner has a key, so a PAT can be sealed to it. */
  runnerPublicKey: string | null;
  /** What the PAT form needs: the field's name at this provider, where to create a token, which scopes and why. */
  pat: { label: string; creationUrl: string; scopes: ScopeRequirement[]; needsUsername: boolean };
  /**
   * What disconnecting does at the provider: whether the token is revoked through its API, or
   * where the person revokes it by hand. Null when not connected.
   */
  disconnect: { revokesAtProvider: boolean; manualUrl: string } | null;
  state: ConnectionState;
};

/**
 * One row per provider host offered by the organization's runners, with the actor's connection
 * state: not connected; connected (method, login, scopes, expiry, last validated and used); or
 * needing re-authentication (expired, revoked, runner key rotated, method disabled by the admin).
 * One query, whatever the number of hosts.
 */
export async function listGitAuthentications(opts: { db: DbOrTx; actor: Actor; now?: Date }): Promise<GitAuthenticationRow[]> {
  const now = opts.now ?? new Date();
  const rows = await opts.db
    .select({ integration: scmIntegrations, runnerName: runners.name, runnerKeyId: runners.keyId, runnerPublicKey: runners.publicKey, token: hostAuthTokens })
    .from(scmIntegrations)
    .innerJoin(runners, eq(runners.id, scmIntegrations.runnerId))
    .leftJoin(
      hostAuthTokens,
      and(eq(hostAuthTokens.runnerId, scmIntegrations.runnerId), eq(hostAuthTokens.host, scmIntegrations.host), eq(hostAuthTokens.userId, opts.actor.userId)),
    )
    .where(eq(scmIntegrations.orgId, opts.actor.orgId))
    .orderBy(asc(scmIntegrations.host), asc(runners.name));
  return rows
    .filter((r) => r.integration.oauthEnabled || r.integration.patEnabled || r.token)
    .map(({ integration, runnerName, runnerKeyId, runnerPublicKey, token }) => {
      let state: ConnectionState = { kind: "not_connected" };
      if (token) {
        const methodOn = token.source === "oauth" ? integration.oauthEnabled : integration.patEnabled;
        const expired = token.expiresAt !== null && token.expiresAt <= now && !(token.source === "oauth" && token.refreshTokenSealed);
        const reason = !methodOn
          ? "method_disabled"
          : token.keyId !== runnerKeyId
            ? "runner_key_rotated"
            : (token.needsReauthReason as "revoked" | "refresh_failed" | "runner_key_rotated" | "expired" | null) ?? (expired ? "expired" : null);
        state = reason
          ? { kind: "needs_reauth", source: token.source, login: token.subjectLogin, reason }
          : { kind: "connected", source: token.source, login: token.subjectLogin, scopes: token.scopes, expiresAt: token.expiresAt, lastValidatedAt: token.lastValidatedAt, lastUsedAt: token.lastUsedAt };
      }
      const provider = getProvider(integration.provider);
      const endpoints = provider.endpoints(integration);
      const patScopeNames = integration.patScopes.length > 0 ? integration.patScopes : provider.patScopes.map((p) => p.scope);
      const patScopes = patScopeNames.map((scope) => provider.patScopes.find((p) => p.scope === scope) ?? { scope, reason: "Required by your organization's configuration." });
      const disconnectInfo = token
        ? {
            revokesAtProvider: revokesAtProvider(provider, integration, token.source),
            manualUrl: manualRevokeUrl(provider, endpoints, token.source),
          }
        : null;
      return {
        integrationId: integration.id,
        runnerId: integration.runnerId,
        runnerName,
        provider: integration.provider,
        providerName: provider.name,
        host: integration.host,
        oauthEnabled: integration.oauthEnabled,
        patEnabled: integration.patEnabled,
        runnerPublicKey,
        pat: {
          label: provider.patLabel,
          creationUrl: provider.patCreationUrl(endpoints, patScopeNames),
          scopes: patScopes,
          // Bitbucket API tokens authenticate with the account's email (see connectWithPat).
          needsUsername: integration.provider === "bitbucket",
        },
        disconnect: disconnectInfo,
        state,
      };
    });
}
