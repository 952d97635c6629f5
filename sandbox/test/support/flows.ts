import type { OAuthAppDto, ProviderId, Sandbox } from "../../index";
import { basic, postForm, type Pkce } from "./oauth-client";

export const CALLBACK = "http://127.0.0.1:9/oauth/callback";

type TokenAnswer = { status: number; body: Record<string, unknown> };

/** How one provider's OAuth code flow is driven by a client, written from each provider's docs. */
export interface OAuthFlow {
  provider: ProviderId;
  register(sandbox: Sandbox): Promise<OAuthAppDto>;
  authorizeParams(app: OAuthAppDto, pkce: Pkce, state: string): Record<string, string>;
  exchange(app: OAuthAppDto, code: string, verifier: string, redirectUri?: string): Promise<TokenAnswer>;
  refresh(app: OAuthAppDto, refreshToken: string): Promise<TokenAnswer>;
  /** Calls the identity endpoint with an access token; `name` is the login or email it reports. */
  whoami(sandbox: Sandbox, accessToken: string): Promise<{ status: number; name: string | null }>;
}

async function getJson(url: string, token: string): Promise<{ status: number; body: Record<string, unknown> | null }> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: "application/json" } });
  const text = await response.text();
  return { status: response.status, body: response.headers.get("content-type")?.includes("json") ? (JSON.parse(text) as Record<string, unknown>) : null };
}

export const FLOWS: Record<ProviderId, OAuthFlow> = {
  github: {
    provider: "github",
    // A GitHub App: user tokens expire after 8 h and come with a refresh token.
    register: (sb) => sb.admin.registerOAuthApp({ provider: "github", name: "Sandbox App", callbackUrls: [CALLBACK], expiringTokens: true }),
    authorizeParams: (app, p, state) => ({ client_id: app.clientId, redirect_uri: CALLBACK, state, code_challenge: p.challenge, code_challenge_method: "S256" }),
    exchange: (app, code, verifier, redirectUri = CALLBACK) =>
      postForm(app.tokenUrl, { client_id: app.clientId, client_secret: app.clientSecret, code, code_verifier: verifier, redirect_uri: redirectUri }),
    refresh: (app, refreshToken) =>
      postForm(app.tokenUrl, { client_id: app.clientId, client_secret: app.clientSecret, grant_type: "refresh_token", refresh_token: refreshToken }),
    whoami: async (sb, token) => {
      const { status, body } = await getJson(`${sb.urls.github.api}/user`, token);
      return { status, name: (body?.login as string | undefined) ?? null };
    },
  },
  gitlab: {
    provider: "gitlab",
    register: (sb) => sb.admin.registerOAuthApp({ provider: "gitlab", name: "Sandbox App", callbackUrls: [CALLBACK] }),
    authorizeParams: (app, p, state) => ({
      client_id: app.clientId,
      redirect_uri: CALLBACK,
      response_type: "code",
      scope: "api read_user",
      state,
      code_challenge: p.challenge,
      code_challenge_method: "S256",
    }),
    exchange: (app, code, verifier, redirectUri = CALLBACK) =>
      postForm(app.tokenUrl, { grant_type: "authorization_code", client_id: app.clientId, client_secret: app.clientSecret, code, code_verifier: verifier, redirect_uri: redirectUri }),
    refresh: (app, refreshToken) =>
      postForm(app.tokenUrl, { grant_type: "refresh_token", client_id: app.clientId, client_secret: app.clientSecret, refresh_token: refreshToken, redirect_uri: CALLBACK }),
    whoami: async (sb, token) => {
      const { status, body } = await getJson(`${sb.urls.gitlab.web}/api/v4/user`, token);
      return { status, name: (body?.username as string | undefined) ?? null };
    },
  },
  bitbucket: {
    provider: "bitbucket",
    register: (sb) => sb.admin.registerOAuthApp({ provider: "bitbucket", name: "Sandbox App", callbackUrls: [CALLBACK] }),
    authorizeParams: (app, p, state) => ({ client_id: app.clientId, response_type: "code", state, code_challenge: p.challenge, code_challenge_method: "S256" }),
    exchange: (app, code, verifier, redirectUri) =>
      postForm(
        app.tokenUrl,
        { grant_type: "authorization_code", code, code_verifier: verifier, ...(redirectUri ? { redirect_uri: redirectUri } : {}) },
        { authorization: basic(app.clientId, app.clientSecret) },
      ),
    refresh: (app, refreshToken) =>
      postForm(app.tokenUrl, { grant_type: "refresh_token", refresh_token: refreshToken }, { authorization: basic(app.clientId, app.clientSecret) }),
    whoami: async (sb, token) => {
      const { status, body } = await getJson(`${sb.urls.bitbucket.api}/2.0/user`, token);
      return { status, name: (body?.username as string | undefined) ?? null };
    },
  },
  "azure-devops": {
    provider: "azure-devops",
    register: (sb) => sb.admin.registerOAuthApp({ provider: "azure-devops", name: "Sandbox App", callbackUrls: [CALLBACK] }),
    authorizeParams: (app, p, state) => ({
      client_id: app.clientId,
      response_type: "code",
      redirect_uri: CALLBACK,
      response_mode: "query",
      scope: "499b84ac-1321-427f-aa17-267ca6975798/.default offline_access openid",
      state,
      code_challenge: p.challenge,
      code_challenge_method: "S256",
    }),
    exchange: (app, code, verifier, redirectUri = CALLBACK) =>
      postForm(app.tokenUrl, {
        client_id: app.clientId,
        client_secret: app.clientSecret,
        grant_type: "authorization_code",
        code,
        code_verifier: verifier,
        redirect_uri: redirectUri,
        scope: "499b84ac-1321-427f-aa17-267ca6975798/.default offline_access",
      }),
    refresh: (app, refreshToken) =>
      postForm(app.tokenUrl, {
        client_id: app.clientId,
        client_secret: app.clientSecret,
        grant_type: "refresh_token",
        refresh_token: refreshToken,
        scope: "499b84ac-1321-427f-aa17-267ca6975798/.default offline_access",
      }),
    whoami: async (sb, token) => {
      const { status, body } = await getJson(`${sb.urls.azure.web}/contoso/_apis/connectionData`, token);
      const user = body?.authenticatedUser as { properties?: { Account?: { $value?: string } } } | undefined;
      return { status, name: user?.properties?.Account?.$value ?? null };
    },
  },
};
