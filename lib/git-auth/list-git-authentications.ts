import { and, asc, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { hostAuthTokens, runners, scmIntegrations } from "@/db/schema";
import { getProvider, type ProviderId } from "../providers";
import type { Actor } from "../users/actor";

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
      return {
        integrationId: integration.id,
        runnerId: integration.runnerId,
        runnerName,
        provider: integration.provider,
        providerName: getProvider(integration.provider).name,
        host: integration.host,
        oauthEnabled: integration.oauthEnabled,
        patEnabled: integration.patEnabled,
        runnerPublicKey,
        state,
      };
    });
}
