import { createHmac, randomBytes, randomUUID } from "node:crypto";
import type { SandboxStore } from "./store";
import type { OAuthApp, Permission, ProviderId, TokenKind, TokenRecord, User } from "./types";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Random base62 text (the alphabet of GitHub's token bodies). */
export function randomBase62(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (let i = 0; i < length; i += 1) out += BASE62[(bytes[i] ?? 0) % 62];
  return out;
}

/** Random lowercase hex. */
export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString("hex");
}

function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString("base64url");
}

/** A signed JWT shaped like an Entra ID access token for Azure DevOps (the sandbox looks it up by value). */
function entraJwt(user: User, app: OAuthApp | undefined, scopes: string[], expiresAt: number): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { typ: "JWT", alg: "HS256", kid: "sandbox" };
  const claims = {
    aud: "499b84ac-1321-427f-aa17-267ca6975798",
    iss: `https://sts.windows.net/${app?.tenant ?? "common"}/`,
    iat: now,
    nbf: now,
    exp: Math.floor(expiresAt / 1000),
    appid: app?.clientId,
    name: user.name,
    oid: user.uuid,
    upn: user.email,
    scp: scopes.map((scope) => scope.split("/").pop()).join(" "),
    tid: app?.tenant ?? "common",
    uti: randomBase62(22),
    ver: "1.0",
  };
  const body = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = createHmac("sha256", randomBytes(32)).update(body).digest();
  return `${body}.${base64url(signature)}`;
}

/** Token strings in each provider's real format. */
export function tokenValue(provider: ProviderId, kind: TokenKind, opts: { expiring?: boolean } = {}): string {
  switch (provider) {
    case "github":
      if (kind === "pat") return `ghp_${randomBase62(36)}`;
      if (kind === "fine_grained") return `github_pat_${randomBase62(22)}_${randomBase62(59)}`;
      if (kind === "refresh") return `ghr_${randomBase62(76)}`;
      return opts.expiring ? `ghu_${randomBase62(36)}` : `gho_${randomBase62(36)}`;
    case "gitlab":
      if (kind === "pat" || kind === "fine_grained") return `glpat-${randomBase62(20)}`;
      return randomHex(32);
    case "bitbucket":
      if (kind === "pat" || kind === "fine_grained") return `ATATT3xFfGF0${randomBase62(180)}=${randomHex(4).toUpperCase()}`;
      if (kind === "refresh") return randomBase62(24);
      return randomBase62(120);
    case "azure-devops":
      if (kind === "pat" || kind === "fine_grained") return randomBase62(84);
      if (kind === "refresh") return `1.A${randomBase62(300)}`;
      return `eyJ${randomBase62(16)}`; // replaced by a real JWT in issueOAuthTokens
  }
}

export interface PatInput {
  provider: ProviderId;
  userId: number;
  kind: "pat" | "fine_grained";
  scopes: string[];
  expiresAt: number | null;
  name: string;
  repositories?: Record<string, Permission>;
  ssoUnauthorizedOrgs?: string[] | null;
  organizations?: string[] | null;
}

/** Stores a new personal access token in the provider's format. */
export function issuePat(store: SandboxStore, input: PatInput): TokenRecord {
  return store.addToken({
    id: store.nextId(),
    provider: input.provider,
    kind: input.kind,
    value: tokenValue(input.provider, input.kind),
    userId: input.userId,
    name: input.name,
    scopes: input.kind === "fine_grained" ? [] : input.scopes,
    createdAt: Date.now(),
    expiresAt: input.expiresAt,
    revokedAt: null,
    repositories: input.repositories,
    ssoUnauthorizedOrgs: input.ssoUnauthorizedOrgs ?? null,
    organizations: input.provider === "azure-devops" ? (input.organizations ?? null) : undefined,
  });
}

/** How each provider's authorization server shapes OAuth tokens. */
export interface OAuthTokenPolicy {
  /** Access token lifetime in seconds; null = no expiry. */
  accessTtl: (app: OAuthApp) => number | null;
  /** Refresh token lifetime in seconds (null = no expiry); undefined = no refresh token. */
  refreshTtl: (app: OAuthApp, scopes: string[]) => number | null | undefined;
  /** Whether a refresh answers with a new refresh token. */
  rotatesRefreshToken: boolean;
  /**
   * Whether a refresh token stops working once used. Entra ID hands out a new refresh token on
   * every refresh but does not revoke the old one (clients are told to discard it).
   */
  revokesUsedRefreshToken: boolean;
  /** Whether refreshing revokes the previous access token. */
  revokesOldAccessToken: boolean;
}

export const OAUTH_POLICY: Record<ProviderId, OAuthTokenPolicy> = {
  github: {
    accessTtl: (app) => (app.expiringTokens ? 28_800 : null),
    refreshTtl: (app) => (app.expiringTokens ? 15_897_600 : undefined),
    rotatesRefreshToken: true,
    revokesUsedRefreshToken: true,
    revokesOldAccessToken: false,
  },
  gitlab: {
    accessTtl: () => 7_200,
    refreshTtl: () => null,
    rotatesRefreshToken: true,
    revokesUsedRefreshToken: true,
    revokesOldAccessToken: true,
  },
  bitbucket: {
    accessTtl: () => 7_200,
    refreshTtl: () => null,
    rotatesRefreshToken: false,
    revokesUsedRefreshToken: false,
    revokesOldAccessToken: false,
  },
  "azure-devops": {
    accessTtl: () => 3_599,
    refreshTtl: (_app, scopes) => (scopes.includes("offline_access") ? 7_776_000 : undefined),
    rotatesRefreshToken: true,
    revokesUsedRefreshToken: false,
    revokesOldAccessToken: false,
  },
};

export interface IssuedTokens {
  access: TokenRecord;
  refresh: TokenRecord | null;
  expiresIn: number | null;
  refreshExpiresIn: number | null;
}

/** Mints an access token (and a refresh token where the provider issues one) under a grant. */
export function issueOAuthTokens(
  store: SandboxStore,
  input: { app: OAuthApp; user: User; scopes: string[]; grantId: number; reuseRefresh?: TokenRecord },
): IssuedTokens {
  const { app, user, scopes, grantId } = input;
  const policy = OAUTH_POLICY[app.provider];
  const now = Date.now();
  const accessTtl = policy.accessTtl(app);
  const expiresAt = accessTtl === null ? null : now + accessTtl * 1000;
  let value = tokenValue(app.provider, "oauth", { expiring: app.expiringTokens });
  if (app.provider === "azure-devops") value = entraJwt(user, app, scopes, expiresAt ?? now + 3_599_000);
  const access = store.addToken({
    id: store.nextId(),
    provider: app.provider,
    kind: "oauth",
    value,
    userId: user.id,
    name: app.name,
    scopes,
    createdAt: now,
    expiresAt,
    revokedAt: null,
    clientId: app.clientId,
    grantId,
    ssoUnauthorizedOrgs: null,
  });
  const refreshTtl = policy.refreshTtl(app, scopes);
  let refresh: TokenRecord | null = null;
  if (input.reuseRefresh) {
    refresh = input.reuseRefresh;
    refresh.accessTokenId = access.id;
  } else if (refreshTtl !== undefined) {
    refresh = store.addToken({
      id: store.nextId(),
      provider: app.provider,
      kind: "refresh",
      value: tokenValue(app.provider, "refresh"),
      userId: user.id,
      name: app.name,
      scopes,
      createdAt: now,
      expiresAt: refreshTtl === null ? null : now + refreshTtl * 1000,
      revokedAt: null,
      clientId: app.clientId,
      grantId,
      accessTokenId: access.id,
      usedAt: null,
    });
  }
  return {
    access,
    refresh,
    expiresIn: accessTtl,
    refreshExpiresIn: refresh?.expiresAt ? Math.round((refresh.expiresAt - now) / 1000) : null,
  };
}

export type TokenCheck =
  | { ok: true; token: TokenRecord; user: User }
  | { ok: false; reason: "invalid" | "expired" | "revoked"; token?: TokenRecord };

/**
 * Looks an access token or PAT up for a provider. `forceExpired` is set by the `expire_tokens`
 * fault: every token then answers as expired.
 */
export function checkToken(
  store: SandboxStore,
  provider: ProviderId,
  value: string,
  opts: { forceExpired?: boolean } = {},
): TokenCheck {
  const token = store.tokensByValue.get(value);
  if (!token || token.provider !== provider || token.kind === "refresh") return { ok: false, reason: "invalid" };
  const user = store.users.get(token.userId);
  if (!user) return { ok: false, reason: "invalid" };
  if (token.revokedAt !== null) return { ok: false, reason: "revoked", token };
  if (opts.forceExpired || (token.expiresAt !== null && token.expiresAt <= Date.now())) {
    return { ok: false, reason: "expired", token };
  }
  token.lastUsedAt = Date.now();
  return { ok: true, token, user };
}

/** A random GUID (Bitbucket `uuid`, Azure DevOps ids). */
export function newUuid(): string {
  return randomUUID();
}
