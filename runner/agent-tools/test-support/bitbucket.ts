import crypto from "node:crypto";
import path from "node:path";
import { eq } from "drizzle-orm";
import { environments, hostAuthTokens, scmIntegrations } from "@/db/schema";
import { seal } from "@/lib/crypto/sealed-box";
import type { OAuthAppDto } from "@/sandbox";
import { seedUser } from "@/tests/helpers/seed";
import { providerClients } from "../../providers";
import { authorizeCode, CALLBACK, noDeadline, sandboxEndpoints } from "../../providers/test-support/sandbox";
import type { AgentEnvironment } from "../run-tool-call";
import { git, type World } from "./world";

/**
 * Bitbucket environments for the agent tools' tests. The tools act with OAuth tokens by default:
 * these come from the sandbox's real authorization code flow, with a consumer granting what every
 * tool needs. An API token connection (`token.source: "pat"`) keeps the account email Bitbucket's
 * REST API takes with it only when `patUsername` is given, as connections made since it is kept
 * do. Repositories are created with their collaborators, and git pushes as `x-token-auth`.
 */

/** The OAuth consumer scopes every agent tool needs on Bitbucket. */
export const BITBUCKET_TOOL_SCOPES = ["account", "repository:write", "pullrequest:write", "issue:write"];

const consumers = new WeakMap<World, Promise<OAuthAppDto>>();

/**
 * The world's Bitbucket consumer, registered once, and the Bitbucket integration switched to OAuth
 * with it (the plane hands out an OAuth-sourced credential only while the integration offers OAuth).
 */
function consumerOf(world: World): Promise<OAuthAppDto> {
  let consumer = consumers.get(world);
  if (!consumer) {
    consumer = (async () => {
      const app = await world.sandbox.admin.registerOAuthApp({ provider: "bitbucket", callbackUrls: [CALLBACK], scopes: BITBUCKET_TOOL_SCOPES });
      const host = world.hosts.bitbucket;
      await world.database.db
        .update(scmIntegrations)
        .set({
          oauthEnabled: true,
          oauthClientId: app.clientId,
          oauthClientSecretSealed: await seal(world.runner.keys.publicKey, { purpose: "oauth_client_secret", runnerId: world.runner.runnerId, host }, app.clientSecret),
          oauthSecretKeyId: world.runner.keyId,
        })
        .where(eq(scmIntegrations.id, world.integrationIds.bitbucket));
      return app;
    })();
    consumers.set(world, consumer);
  }
  return consumer;
}

/** An OAuth access token (and refresh token) of `login` from the world's consumer. */
export async function bitbucketOAuth(world: World, login: string): Promise<{ accessToken: string; refreshToken: string }> {
  const { sandbox } = world;
  await sandbox.admin.createUser({ provider: "bitbucket", login }).catch(() => {});
  const app = await consumerOf(world);
  await sandbox.admin.setAutoApprove("bitbucket", true);
  await sandbox.admin.signIn("bitbucket", login);
  const endpoints = sandboxEndpoints(sandbox, "bitbucket");
  const { code, verifier } = await authorizeCode(endpoints, { client_id: app.clientId });
  const tokens = await providerClients.bitbucket.exchangeCode({ endpoints, clientId: app.clientId, clientSecret: app.clientSecret, code, verifier, redirectUri: CALLBACK, signal: noDeadline() });
  return { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken! };
}

export type BitbucketSetup = {
  /** The owner's sandbox login; the repository is `login/repo` unless `repoPath` names another. */
  login: string;
  repo: string;
  collaborators?: { login: string; permission: "read" | "write" | "admin" }[];
  /**
   * The token the owner connected with (default: a fresh OAuth token); `source` says how, and
   * `patUsername` what an API token was connected with (none: a connection from before it was kept).
   */
  token?: { value: string; source: "oauth" | "pat"; patUsername?: string | null };
  /** Clone a working copy the tests push from (as the environment's checkout). */
  workdir?: boolean;
};

/** An environment of a new member whose Bitbucket connection is `setup.token`, on a new repository. */
export async function addBitbucketEnvironment(world: World, setup: BitbucketSetup): Promise<{ environment: AgentEnvironment; token: string; cloneUrl: string }> {
  const { db } = world.database;
  const owner = await seedUser(db, world.admin.orgId, "member");
  const oauth = setup.token ? null : await bitbucketOAuth(world, setup.login);
  const token = setup.token?.value ?? oauth!.accessToken;
  const source = setup.token?.source ?? "oauth";
  const repoPath = `${setup.login}/${setup.repo}`;
  const repo = await world.sandbox.admin.createRepo({
    provider: "bitbucket",
    path: repoPath,
    files: { "README.md": "# app\n\nThe app.\n", "src/main.ts": "export const main = 1;\n" },
    collaborators: setup.collaborators ?? [],
  });
  const host = world.hosts.bitbucket;
  const integrationId = world.integrationIds.bitbucket;
  const ctx = { runnerId: world.runner.runnerId, integrationId, userId: owner.userId, generation: 1 };
  await db.insert(hostAuthTokens).values({
    orgId: world.admin.orgId,
    runnerId: world.runner.runnerId,
    integrationId,
    userId: owner.userId,
    host,
    source,
    tokenSealed: await seal(world.runner.keys.publicKey, { ...ctx, purpose: "access_token" }, token),
    refreshTokenSealed: oauth ? await seal(world.runner.keys.publicKey, { ...ctx, purpose: "refresh_token" }, oauth.refreshToken) : null,
    expiresAt: oauth ? new Date(Date.now() + 60 * 60_000) : null,
    keyId: world.runner.keyId,
    subjectLogin: setup.login,
    patUsername: setup.token?.patUsername ?? null,
  });
  const [row] = await db
    .insert(environments)
    .values({ orgId: world.admin.orgId, ownerId: owner.userId, runnerId: world.runner.runnerId, integrationId, name: `env-${crypto.randomBytes(3).toString("hex")}`, repoUrl: repo.cloneUrl, host, repoPath, status: "ready", readyAt: new Date() })
    .returning({ id: environments.id });
  const workdir = setup.workdir ? path.join(world.scratch, row!.id) : null;
  if (workdir) await git(world, ["clone", "--quiet", repo.cloneUrl, workdir], { username: "x-token-auth", password: token });
  return { environment: { id: row!.id, ownerId: owner.userId, host, provider: "bitbucket", repoPath, workdir }, token, cloneUrl: repo.cloneUrl };
}

/** Another Bitbucket user acting through the REST API directly (as a reviewer or CI would). */
export function bitbucketRest(world: World, token: string) {
  const base = `${world.sandbox.urls.bitbucket.api}/2.0`;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as Record<string, unknown> & { values?: Record<string, unknown>[] } };
  };
  return {
    get: (path: string) => call("GET", path),
    post: (path: string, body?: unknown) => call("POST", path, body),
    put: (path: string, body?: unknown) => call("PUT", path, body),
  };
}
