import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { completeOAuthCallback } from "@/lib/git-auth/complete-oauth-callback";
import { oauthExchangePayloadSchema } from "@/lib/git-auth/job-payloads";
import { startOAuth } from "@/lib/git-auth/start-oauth";
import { oauthCallbackUrl } from "@/lib/integrations/callback-url";
import { setupGitAuth } from "../helpers/git-auth-setup";
import { startRunnerApiServer, type RunnerApiServer } from "../helpers/runner-api-server";
import { testEngines } from "../helpers/test-database";

// Regression: the callback URL shown to admins (Settings > Runners) and the one sent to the provider
// came from two copies of the same function, free to drift apart.
describe.each(testEngines())("one OAuth callback URL on $name", (engine) => {
  let database: Database;
  let api: RunnerApiServer;
  beforeAll(async () => {
    database = await engine.open();
    api = await startRunnerApiServer(database);
  });
  afterAll(async () => {
    await api.close();
    await database.close();
  });

  it.each(["https://plane.example", "https://plane.example/", "https://plane.example/scm//"])("the URL an admin registers is the redirect_uri of the authorize request and of the code exchange (base %s)", async (publicBaseUrl) => {
    const { member, runner, ids } = await setupGitAuth(database.db, api.url);
    const integrationId = ids[0]!;
    // What the integration pages show (they call the same function with PUBLIC_BASE_URL).
    const shown = oauthCallbackUrl(publicBaseUrl, integrationId);
    expect(shown).toBe(`${publicBaseUrl.replace(/\/+$/, "")}/api/scm/oauth/callback/${integrationId}`);

    const authorize = new URL((await startOAuth({ db: database.db, actor: member, integrationId, publicBaseUrl })).authorizeUrl);
    expect(authorize.searchParams.get("redirect_uri")).toBe(shown);

    const state = authorize.searchParams.get("state")!;
    const outcome = await completeOAuthCallback({ db: database.db, actor: member, integrationId, params: new URLSearchParams({ state, code: "code-1" }), publicBaseUrl });
    expect(outcome).toMatchObject({ ok: true });
    const job = await runner.claim("oauth.exchange");
    expect(oauthExchangePayloadSchema.parse(job.payload).redirectUri).toBe(shown);
  });
});
