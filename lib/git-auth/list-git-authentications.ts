import { and, count, eq, isNotNull, or, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { hostAuthTokens, runners, scmIntegrations } from "@/db/schema";
import { getProvider, providerIds, type ProviderId } from "../providers";
import type { ErrorCode } from "../errors/catalogue";
import { escapeLike } from "../sql/escape-like";
import type { Actor } from "../users/actor";
import { failedTestResultSql, lastTestFailureCode } from "./last-test-failure";
import { manualRevokeUrl, revokesAtProvider } from "./manual-revoke-url";
import { customPatScopes } from "./pat-instructions";

export const GIT_AUTHENTICATIONS_PAGE_SIZE = 50;

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
  /** Where the provider lives (with `issuerUrl`, `virtualDirectory`): enough to derive its URLs from the registry. */
  baseUrl: string;
  issuerUrl: string | null;
  virtualDirectory: string | null;
  oauthEnabled: boolean;
  patEnabled: boolean;
  /** Whether the runner has a key, so a PAT can be sealed to it. */
  runnerPublicKey: string | null;
  /** The PAT scopes the admin configured when they differ from the provider's defaults, else null. */
  patScopes: string[] | null;
  /**
   * What disconnecting does at the provider: whether the token is revoked through its API, or
   * where the person revokes it by hand. Null when not connected.
   */
  disconnect: { revokesAtProvider: boolean; manualUrl: string } | null;
  /** Why the admin's last Save & Test of this integration failed, or null when it passed or never ran. */
  lastTestFailure: ErrorCode | null;
  state: ConnectionState;
};

/** The provider's display name in SQL, so rows sort and match by the name people see. */
const providerNameSql = sql<string>`(case ${scmIntegrations.provider}::text ${sql.join(
  providerIds.map((id) => sql`when ${id}::text then ${getProvider(id).name}::text`),
  sql` `,
)} end)`;

/**
 * The rows of the organization's integrations with the actor's token for each host, as columns
 * the page shows: no sealed column is read (whether a client secret or a refresh token exists is
 * selected as a boolean). A host is listed when a method is enabled or the actor is connected.
 */
function baseQuery(opts: { actor: Actor; q?: string }) {
  const q = opts.q?.trim();
  const pattern = q ? `%${escapeLike(q)}%` : undefined;
  // `lower(x) like lower(p)` is what ILIKE means, and cheaper than ILIKE on PGlite.
  const matches = pattern
    ? or(sql`lower(${scmIntegrations.host}) like lower(${pattern})`, sql`lower(${providerNameSql}) like lower(${pattern})`, sql`lower(${runners.name}) like lower(${pattern})`)
    : undefined;
  const where = and(eq(scmIntegrations.orgId, opts.actor.orgId), or(eq(scmIntegrations.oauthEnabled, true), eq(scmIntegrations.patEnabled, true), isNotNull(hostAuthTokens.id)), matches);
  const tokenJoin = and(eq(hostAuthTokens.runnerId, scmIntegrations.runnerId), eq(hostAuthTokens.host, scmIntegrations.host), eq(hostAuthTokens.userId, opts.actor.userId));
  // The person's connections (working or not) first, then by provider, host and runner.
  const order: SQL[] = [sql`(${hostAuthTokens.id} is null)`, providerNameSql, sql`${scmIntegrations.host}`, sql`lower(${runners.name})`, sql`${scmIntegrations.id}`];
  return { where, tokenJoin, order };
}

const columns = {
  integrationId: scmIntegrations.id,
  runnerId: scmIntegrations.runnerId,
  runnerName: runners.name,
  runnerPublicKey: runners.publicKey,
  provider: scmIntegrations.provider,
  host: scmIntegrations.host,
  baseUrl: scmIntegrations.baseUrl,
  issuerUrl: scmIntegrations.issuerUrl,
  virtualDirectory: scmIntegrations.virtualDirectory,
  oauthEnabled: scmIntegrations.oauthEnabled,
  patEnabled: scmIntegrations.patEnabled,
  patScopes: scmIntegrations.patScopes,
  hasClientSecret: sql<boolean>`(${scmIntegrations.oauthClientSecretSealed} is not null)`,
  failedTestResult: failedTestResultSql,
  tokenSource: hostAuthTokens.source,
  tokenLogin: hostAuthTokens.subjectLogin,
  tokenScopes: hostAuthTokens.scopes,
  tokenExpiresAt: hostAuthTokens.expiresAt,
  tokenRefreshable: sql<boolean>`(${hostAuthTokens.refreshTokenSealed} is not null)`,
  tokenKeyCurrent: sql<boolean>`(${hostAuthTokens.keyId} is not distinct from ${runners.keyId})`,
  tokenNeedsReauthReason: hostAuthTokens.needsReauthReason,
  tokenLastValidatedAt: hostAuthTokens.lastValidatedAt,
  tokenLastUsedAt: hostAuthTokens.lastUsedAt,
};

/** The rows in the page's order, with the number of rows matching (before any LIMIT). */
function rowsQuery(opts: { db: DbOrTx; actor: Actor; q?: string }) {
  const { where, tokenJoin, order } = baseQuery(opts);
  return opts.db
    .select({ ...columns, total: sql<number>`count(*) over ()`.mapWith(Number) })
    .from(scmIntegrations)
    .innerJoin(runners, eq(runners.id, scmIntegrations.runnerId))
    .leftJoin(hostAuthTokens, tokenJoin)
    .where(where)
    .orderBy(...order)
    .$dynamic();
}

type Selected = Awaited<ReturnType<typeof rowsQuery>>[number];

function toRow(r: Selected, now: Date): GitAuthenticationRow {
  let state: ConnectionState = { kind: "not_connected" };
  const source = r.tokenSource;
  if (source) {
    const methodOn = source === "oauth" ? r.oauthEnabled : r.patEnabled;
    const expired = r.tokenExpiresAt !== null && r.tokenExpiresAt <= now && !(source === "oauth" && r.tokenRefreshable);
    const reason = !methodOn
      ? "method_disabled"
      : !r.tokenKeyCurrent
        ? "runner_key_rotated"
        : (r.tokenNeedsReauthReason as "revoked" | "refresh_failed" | "runner_key_rotated" | "expired" | null) ?? (expired ? "expired" : null);
    state = reason
      ? { kind: "needs_reauth", source, login: r.tokenLogin, reason }
      : { kind: "connected", source, login: r.tokenLogin, scopes: r.tokenScopes ?? [], expiresAt: r.tokenExpiresAt, lastValidatedAt: r.tokenLastValidatedAt, lastUsedAt: r.tokenLastUsedAt };
  }
  const provider = getProvider(r.provider);
  const location = { host: r.host, baseUrl: r.baseUrl, issuerUrl: r.issuerUrl, virtualDirectory: r.virtualDirectory };
  return {
    integrationId: r.integrationId,
    runnerId: r.runnerId,
    runnerName: r.runnerName,
    provider: r.provider,
    providerName: provider.name,
    host: r.host,
    baseUrl: r.baseUrl,
    issuerUrl: r.issuerUrl,
    virtualDirectory: r.virtualDirectory,
    oauthEnabled: r.oauthEnabled,
    patEnabled: r.patEnabled,
    runnerPublicKey: r.runnerPublicKey,
    patScopes: customPatScopes(r.provider, r.patScopes),
    disconnect: source
      ? {
          revokesAtProvider: revokesAtProvider(provider, { oauthEnabled: r.oauthEnabled, hasClientSecret: r.hasClientSecret }, source),
          manualUrl: manualRevokeUrl(provider, provider.endpoints(location), source),
        }
      : null,
    lastTestFailure: lastTestFailureCode(r.failedTestResult),
    state,
  };
}

/**
 * Every provider host offered by the organization's runners, with the actor's connection state:
 * not connected; connected (method, login, scopes, expiry, last validated and used); or needing
 * re-authentication (expired, revoked, runner key rotated, method disabled by the admin). The
 * actor's connections come first, then by provider, host and runner. One query. Every member may
 * use every runner of the organization (see findUsableIntegration).
 */
export async function listGitAuthentications(opts: { db: DbOrTx; actor: Actor; now?: Date }): Promise<GitAuthenticationRow[]> {
  const now = opts.now ?? new Date();
  const rows = await rowsQuery(opts);
  return rows.map((r) => toRow(r, now));
}

/**
 * One page of {@link listGitAuthentications} (50 rows, `page` from 1), optionally searched by host,
 * provider name or runner name (case-insensitive, `%` and `_` taken literally), with the total:
 * one query, the page cut in SQL and the total from `count(*) over ()` (two queries for a page
 * past the last one, which has no row to carry it).
 */
export async function listGitAuthenticationsPage(opts: { db: DbOrTx; actor: Actor; q?: string; page?: number; now?: Date }) {
  const now = opts.now ?? new Date();
  const page = Math.max(1, Math.floor(opts.page ?? 1));
  const rows = await rowsQuery(opts)
    .limit(GIT_AUTHENTICATIONS_PAGE_SIZE)
    .offset((page - 1) * GIT_AUTHENTICATIONS_PAGE_SIZE);
  let total = Number(rows[0]?.total ?? 0);
  if (!rows[0] && page > 1) {
    const { where, tokenJoin } = baseQuery(opts);
    const [row] = await opts.db.select({ total: count() }).from(scmIntegrations).innerJoin(runners, eq(runners.id, scmIntegrations.runnerId)).leftJoin(hostAuthTokens, tokenJoin).where(where);
    total = row?.total ?? 0;
  }
  return {
    rows: rows.map((r) => toRow(r, now)),
    total,
    page,
    pageCount: Math.max(1, Math.ceil(total / GIT_AUTHENTICATIONS_PAGE_SIZE)),
  };
}
