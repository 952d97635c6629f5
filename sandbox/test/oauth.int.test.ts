import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type OAuthAppDto, type ProviderId, type Sandbox } from "../index";
import { CALLBACK, FLOWS } from "./support/flows";
import { authorize, authorizeUrl, basic, parseConsentForm, pkce, postForm } from "./support/oauth-client";

const LOGINS: Record<ProviderId, string> = { github: "octocat", gitlab: "gitlab-user", bitbucket: "bb-user", "azure-devops": "ado-user" };

/** How each provider treats a used refresh token, from its documentation. */
const ROTATION: Record<ProviderId, { rotates: boolean; oldStillWorks: boolean }> = {
  github: { rotates: true, oldStillWorks: false },
  gitlab: { rotates: true, oldStillWorks: false },
  bitbucket: { rotates: false, oldStillWorks: true },
  // Entra ID returns a new refresh token but does not revoke the one that was used.
  "azure-devops": { rotates: true, oldStillWorks: true },
};

const BAD_GRANT_ERROR: Record<ProviderId, string> = {
  github: "bad_verification_code",
  gitlab: "invalid_grant",
  bitbucket: "invalid_grant",
  "azure-devops": "invalid_grant",
};

let sandbox: Sandbox;
const apps = new Map<ProviderId, OAuthAppDto>();

beforeAll(async () => {
  sandbox = await startSandbox();
  for (const flow of Object.values(FLOWS)) {
    const organizations = flow.provider === "azure-devops" ? ["contoso"] : undefined;
    await sandbox.admin.createUser({ provider: flow.provider, login: LOGINS[flow.provider], name: "Sandbox User", organizations });
    apps.set(flow.provider, await flow.register(sandbox));
  }
});

afterAll(async () => {
  await sandbox?.close();
});

async function codeFor(provider: ProviderId, extra: Record<string, string> = {}): Promise<{ code: string; verifier: string }> {
  const app = apps.get(provider) as OAuthAppDto;
  const p = pkce();
  const back = await authorize(authorizeUrl(app, { ...FLOWS[provider].authorizeParams(app, p, "st-1"), ...extra }));
  expect(back.searchParams.get("state")).toBe("st-1");
  return { code: back.searchParams.get("code") ?? "", verifier: p.verifier };
}

async function tokensFor(provider: ProviderId): Promise<{ access: string; refresh: string }> {
  const app = apps.get(provider) as OAuthAppDto;
  const { code, verifier } = await codeFor(provider);
  const { status, body } = await FLOWS[provider].exchange(app, code, verifier);
  expect(status).toBe(200);
  return { access: String(body.access_token), refresh: String(body.refresh_token) };
}

describe.each(Object.keys(FLOWS) as ProviderId[])("%s OAuth", (provider) => {
  const flow = FLOWS[provider];
  const app = () => apps.get(provider) as OAuthAppDto;

  it("exchanges a code with PKCE S256 through the consent page; the token identifies the user", async () => {
    const { code, verifier } = await codeFor(provider);
    const { status, body } = await flow.exchange(app(), code, verifier);
    expect(status).toBe(200);
    expect(String(body.token_type).toLowerCase()).toBe("bearer");
    expect(body.refresh_token).toEqual(expect.any(String));
    expect(body.expires_in).toEqual(expect.any(Number));
    const me = await flow.whoami(sandbox, String(body.access_token));
    expect(me.status).toBe(200);
    expect(me.name).toContain(LOGINS[provider]);
  });

  it("refuses a wrong PKCE verifier and a replayed code", async () => {
    const { code } = await codeFor(provider);
    const wrong = await flow.exchange(app(), code, pkce().verifier);
    expect(wrong.body.error).toBe(BAD_GRANT_ERROR[provider]);
    expect(wrong.body.access_token).toBeUndefined();

    const good = await codeFor(provider);
    expect((await flow.exchange(app(), good.code, good.verifier)).status).toBe(200);
    const replay = await flow.exchange(app(), good.code, good.verifier);
    expect(replay.body.error).toBe(BAD_GRANT_ERROR[provider]);
  });

  it("rejects a redirect_uri that is not registered, at authorize", async () => {
    const params = { ...flow.authorizeParams(app(), pkce(), "st-2"), redirect_uri: "http://127.0.0.1:9/elsewhere" };
    const response = await fetch(authorizeUrl(app(), params), { redirect: "manual" });
    if (provider === "github") {
      // GitHub redirects to the registered callback with the error.
      expect(response.status).toBe(302);
      const location = new URL(response.headers.get("location") ?? "");
      expect(location.origin + location.pathname).toBe(CALLBACK);
      expect(location.searchParams.get("error")).toBe("redirect_uri_mismatch");
    } else {
      // The others show an error page and never redirect to an unregistered URI.
      expect(response.status).toBe(400);
      expect(response.headers.get("location")).toBeNull();
      expect(await response.text()).toMatch(/redirect|AADSTS50011/i);
    }
  });

  it("rejects a token request whose redirect_uri differs from the authorize request", async () => {
    const { code, verifier } = await codeFor(provider, { redirect_uri: CALLBACK });
    const { body } = await flow.exchange(app(), code, verifier, "http://127.0.0.1:9/elsewhere");
    expect(body.error).toBe(provider === "github" ? "redirect_uri_mismatch" : "invalid_grant");
    expect(body.access_token).toBeUndefined();
  });

  it("refreshes following the provider's rotation rules", async () => {
    const first = await tokensFor(provider);
    const refreshed = await flow.refresh(app(), first.refresh);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.access_token).not.toBe(first.access);
    const next = String(refreshed.body.refresh_token);
    expect(next !== first.refresh).toBe(ROTATION[provider].rotates);
    expect((await flow.whoami(sandbox, String(refreshed.body.access_token))).status).toBe(200);

    const again = await flow.refresh(app(), first.refresh);
    if (ROTATION[provider].oldStillWorks) {
      expect(again.status).toBe(200);
    } else {
      expect(again.body.error).toBe(provider === "github" ? "bad_refresh_token" : "invalid_grant");
    }
    // The newest refresh token keeps working in every case.
    expect((await flow.refresh(app(), next)).status).toBe(200);
  });

  it("stops honouring revoked tokens", async () => {
    const tokens = await tokensFor(provider);
    const a = app();
    if (provider === "github") {
      const response = await fetch(`${sandbox.urls.github.api}/applications/${a.clientId}/grant`, {
        method: "DELETE",
        headers: { authorization: basic(a.clientId, a.clientSecret), "content-type": "application/json" },
        body: JSON.stringify({ access_token: tokens.access }),
      });
      expect(response.status).toBe(204);
    } else if (provider === "gitlab") {
      const revoked = await postForm(a.revokeUrl as string, { token: tokens.access, client_id: a.clientId, client_secret: a.clientSecret });
      expect(revoked.status).toBe(200);
    } else {
      // Bitbucket and Entra ID have no revocation endpoint: the user removes the app's access.
      await sandbox.admin.revokeToken({ value: tokens.access, grant: provider === "azure-devops" || provider === "bitbucket" });
    }
    const me = await flow.whoami(sandbox, tokens.access);
    expect(me.status).toBe(401);
    const refreshed = await flow.refresh(a, tokens.refresh);
    expect(refreshed.body.access_token).toBeUndefined();
    expect(sandbox.admin.revocations().some((r) => r.provider === provider)).toBe(true);
  });
});

describe("malformed token requests", () => {
  it.each([
    { provider: "gitlab", form: { client_id: "x" }, status: 400, error: "invalid_request" },
    { provider: "gitlab", form: { grant_type: "password" }, status: 400, error: "unsupported_grant_type" },
    { provider: "gitlab", form: { grant_type: "authorization_code", code: "c", client_id: "nope", client_secret: "x" }, status: 401, error: "invalid_client" },
    { provider: "bitbucket", form: { grant_type: "authorization_code", code: "c" }, status: 400, error: "invalid_client" },
    { provider: "azure-devops", form: { client_id: "x" }, status: 400, error: "invalid_request" },
    { provider: "azure-devops", form: { grant_type: "client_credentials" }, status: 400, error: "unsupported_grant_type" },
  ] as { provider: ProviderId; form: Record<string, string>; status: number; error: string }[])("$provider: $error", async ({ provider, form, status, error }) => {
    const app = apps.get(provider) as OAuthAppDto;
    const answer = await postForm(app.tokenUrl, form);
    expect(answer.status).toBe(status);
    expect(answer.body.error).toBe(error);
    if (provider === "azure-devops") expect(String(answer.body.error_description)).toMatch(/^AADSTS\d+: /);
  });

  it("azure-devops: a wrong client secret is AADSTS7000215 invalid_client", async () => {
    const app = apps.get("azure-devops") as OAuthAppDto;
    const { code, verifier } = await codeFor("azure-devops");
    const answer = await postForm(app.tokenUrl, { client_id: app.clientId, client_secret: "wrong-secret", grant_type: "authorization_code", code, code_verifier: verifier, redirect_uri: CALLBACK });
    expect(answer).toMatchObject({ status: 401, body: { error: "invalid_client", error_codes: [7000215] } });
  });
});

describe("GitHub token endpoint details", () => {
  it("an OAuth app (not a GitHub App) gets a non-expiring gho_ token with its scopes and no refresh token", async () => {
    const app = await sandbox.admin.registerOAuthApp({ provider: "github", callbackUrls: [CALLBACK] });
    const p = pkce();
    const back = await authorize(
      authorizeUrl(app, { client_id: app.clientId, scope: "repo read:user", state: "s", code_challenge: p.challenge, code_challenge_method: "S256" }),
    );
    const { body } = await FLOWS.github.exchange(app, back.searchParams.get("code") ?? "", p.verifier);
    expect(String(body.access_token)).toMatch(/^gho_/);
    expect(body.scope).toBe("repo,read:user");
    expect(body.refresh_token).toBeUndefined();
    const check = await fetch(`${sandbox.urls.github.api}/applications/${app.clientId}/token`, {
      method: "POST",
      headers: { authorization: basic(app.clientId, app.clientSecret) },
      body: JSON.stringify({ access_token: body.access_token }),
    });
    expect(check.status).toBe(200);
    expect(((await check.json()) as { scopes: string[] }).scopes).toEqual(["repo", "read:user"]);
  });

  it("answers bad client credentials with GitHub's 200 + error body", async () => {
    const app = apps.get("github") as OAuthAppDto;
    const { status, body } = await postForm(app.tokenUrl, { client_id: app.clientId, client_secret: "wrong", code: "x" });
    expect(status).toBe(200);
    expect(body.error).toBe("incorrect_client_credentials");
  });
});

describe("consent page", () => {
  it("is a plain form with Authorize and Cancel; Cancel returns access_denied with the state", async () => {
    const app = apps.get("gitlab") as OAuthAppDto;
    const url = authorizeUrl(app, FLOWS.gitlab.authorizeParams(app, pkce(), "st-cancel"));
    const page = await fetch(url);
    expect(page.headers.get("content-type")).toContain("text/html");
    const form = parseConsentForm(await page.text());
    expect(form.buttons).toEqual(["Authorize", "Cancel"]);
    const back = await authorize(url, "deny");
    expect(back.searchParams.get("error")).toBe("access_denied");
    expect(back.searchParams.get("state")).toBe("st-cancel");
    expect(back.searchParams.get("code")).toBeNull();
  });

  it("is skipped with auto-approve, for the signed-in user", async () => {
    await sandbox.admin.createUser({ provider: "github", login: "hubot" });
    await sandbox.admin.signIn("github", "hubot");
    await sandbox.admin.setAutoApprove("github", true);
    try {
      const app = apps.get("github") as OAuthAppDto;
      const p = pkce();
      const first = await fetch(authorizeUrl(app, FLOWS.github.authorizeParams(app, p, "st")), { redirect: "manual" });
      expect(first.status).toBe(302);
      const code = new URL(first.headers.get("location") ?? "").searchParams.get("code") ?? "";
      const { body } = await FLOWS.github.exchange(app, code, p.verifier);
      expect((await FLOWS.github.whoami(sandbox, String(body.access_token))).name).toBe("hubot");
    } finally {
      await sandbox.admin.setAutoApprove("github", false);
      await sandbox.admin.signIn("github", LOGINS.github);
    }
  });

  it("counts token endpoint calls per grant type", () => {
    const counters = sandbox.admin.tokenEndpointCounters();
    for (const provider of Object.keys(FLOWS) as ProviderId[]) {
      expect(counters[provider].authorization_code).toBeGreaterThan(0);
      expect(counters[provider].refresh_token).toBeGreaterThan(0);
    }
    expect(counters.github.refresh_token_failed).toBeGreaterThan(0);
  });

  it("leaves no GitHub response outside the OpenAPI description", () => {
    expect(sandbox.admin.violations()).toEqual([]);
  });
});
