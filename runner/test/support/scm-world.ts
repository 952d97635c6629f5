import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { expect } from "vitest";
import type { Database } from "@/db/client";
import { hostAuthTokens, type HostAuthToken } from "@/db/schema";
import { seal, type RunnerKeyPair } from "@/lib/crypto/sealed-box";
import { oauthCallbackUrl } from "@/lib/integrations/callback-url";
import { completeOAuthCallback } from "@/lib/git-auth/complete-oauth-callback";
import { startOAuth } from "@/lib/git-auth/start-oauth";
import { createIntegration } from "@/lib/integrations/create-integration";
import type { ProviderId } from "@/lib/providers";
import { awaitJob, type JobView } from "@/lib/runners/jobs/await-job";
import type { Actor } from "@/lib/users/actor";
import type { OAuthAppDto, Sandbox } from "@/sandbox";
import { ENDPOINT_OVERRIDES_ENV } from "@/runner/credentials/endpoints";
import { openTokens } from "@/runner/credentials/token-boxes";
import { KEY_FILE } from "@/runner/data-dir";
import { listEnvironmentIds } from "@/runner/git/environment-record";
import { removeIdentity } from "@/runner/isolation/identity";
import { startRunnerApiServer, type RunnerApiServer } from "@/tests/helpers/runner-api-server";
import { seedUser } from "@/tests/helpers/seed";
import { registeredRunner } from "./fixtures";
import { startRecordingProxy, type RecordingProxy } from "./recording-proxy";
import { spawnRunner, stopRunner, type RunnerProcess } from "./runner-process";

/** The app's public URL in these tests (nothing listens there: callbacks are completed in process). */
export const PUBLIC_BASE_URL = "http://localhost:3000";
/** The Azure DevOps organization (the integration's virtual directory) and Entra tenant. */
export const AZURE_ORG = "contoso";
export const AZURE_TENANT = "contoso-tenant";

/** The sandbox's name of each product provider. */
export const SANDBOX_PROVIDER = { github: "github", gitlab: "gitlab", bitbucket: "bitbucket", azure_devops: "azure-devops" } as const;

/** Secret values used in a test file: none may appear in the database, a runner API response, the runner's output or a clone. */
export class Canaries {
  readonly values: string[] = [];
  /** A fresh secret-looking value, remembered. */
  make(label: string): string {
    return this.add(`canary-${label}-${crypto.randomBytes(12).toString("hex")}`);
  }
  add(value: string): string {
    this.values.push(value);
    return value;
  }
  /** Asserts that none of the secrets is in any of the haystacks. */
  expectAbsent(haystacks: Record<string, string>): void {
    for (const [where, text] of Object.entries(haystacks)) {
      for (const secret of this.values) expect(text.includes(secret), `${where} contains a secret (${secret.slice(0, 12)}...)`).toBe(false);
    }
  }
}

export type SandboxIntegration = { integrationId: string; provider: ProviderId; host: string; baseUrl: string; app: OAuthAppDto | null };

function baseUrlOf(sandbox: Sandbox, provider: ProviderId): string {
  return { github: sandbox.urls.github.web, gitlab: sandbox.urls.gitlab.web, bitbucket: sandbox.urls.bitbucket.web, azure_devops: sandbox.urls.azure.web }[provider];
}

/** The OAuth app scopes the sandbox must allow for what startOAuth asks (the registry's defaults). */
const APP_SCOPES: Partial<Record<ProviderId, string[]>> = {
  gitlab: ["api", "read_user", "read_repository", "write_repository"],
  bitbucket: ["repository:write", "pullrequest:write", "account"],
};

/** What a runner needs in its environment to use the sandbox: Azure DevOps' profile endpoint lives on a host of its own there. */
export function runnerEnvFor(sandbox: Sandbox): Record<string, string> {
  const azureHost = new URL(sandbox.urls.azure.web).host;
  return { [ENDPOINT_OVERRIDES_ENV]: JSON.stringify({ [azureHost]: { profileUrl: `${sandbox.urls.azure.vssps}/_apis/profile/profiles/me?api-version=7.1` } }) };
}

/** A plane (database + runner API behind a recording proxy), an org with an admin, and a runner registered through the CLI. */
export type World = {
  database: Database;
  api: RunnerApiServer;
  proxy: RecordingProxy;
  admin: Actor;
  runnerId: string;
  dataDir: string;
  publicKey: string;
  runner: RunnerProcess | null;
  /** Every runner process started, for their output. */
  processes: RunnerProcess[];
  /** Starts (or restarts) the runner process and waits until it is connected. */
  startRunner: () => Promise<RunnerProcess>;
  stopRunner: () => Promise<void>;
  close: () => Promise<void>;
};

export async function createWorld(opts: { database: Database; sandbox: Sandbox; leaseSeconds?: number }): Promise<World> {
  const api = await startRunnerApiServer(opts.database, { leaseSeconds: opts.leaseSeconds });
  const proxy = await startRecordingProxy(api.url);
  const registered = await registeredRunner(opts.database.db, proxy.url);
  const world: World = {
    database: opts.database,
    api,
    proxy,
    ...registered,
    runner: null,
    processes: [],
    startRunner: async () => {
      const runner = spawnRunner(["start", "--data-dir", registered.dataDir], runnerEnvFor(opts.sandbox));
      world.runner = runner;
      world.processes.push(runner);
      await runner.waitForLog((l) => l.event === "runner.connected");
      return runner;
    },
    stopRunner: async () => {
      if (world.runner) await stopRunner(world.runner);
    },
    close: async () => {
      await world.stopRunner();
      await removeEnvironmentIdentities(registered.dataDir);
      await proxy.close();
      await api.close();
    },
  };
  return world;
}

/**
 * Adds an integration for one sandbox provider to the runner the way Settings > Runners does
 * (`createIntegration`), with an OAuth app registered at the sandbox for its callback URL and the
 * client secret (a canary) sealed as the browser seals it.
 */
export async function addIntegration(world: World, sandbox: Sandbox, canaries: Canaries, provider: ProviderId, methods: { oauth: boolean; pat: boolean }): Promise<SandboxIntegration> {
  const integrationId = crypto.randomUUID();
  const baseUrl = baseUrlOf(sandbox, provider);
  const host = new URL(baseUrl).host;
  const app = methods.oauth
    ? await sandbox.admin.registerOAuthApp({
        provider: SANDBOX_PROVIDER[provider],
        callbackUrls: [oauthCallbackUrl(PUBLIC_BASE_URL, integrationId)],
        clientSecret: canaries.make(`${provider}-client-secret`),
        ...(APP_SCOPES[provider] ? { scopes: APP_SCOPES[provider] } : {}),
        ...(provider === "azure_devops" ? { tenant: AZURE_TENANT } : {}),
      })
    : null;
  await createIntegration({
    db: world.database.db,
    actor: world.admin,
    allowLoopback: true,
    input: {
      runnerId: world.runnerId,
      integrationId,
      provider,
      deployment: "self_hosted",
      host: baseUrl,
      oauthEnabled: methods.oauth,
      oauthClientId: app?.clientId ?? null,
      oauthClientSecretSealed: app ? await seal(world.publicKey, { purpose: "oauth_client_secret", runnerId: world.runnerId, host }, app.clientSecret) : null,
      oauthSecretHost: app ? host : null,
      oauthScopes: null,
      patEnabled: methods.pat,
      allowPrivateHosts: false,
      patScopes: null,
      issuerUrl: provider === "azure_devops" ? `${sandbox.urls.azure.entra}/${AZURE_TENANT}/v2.0` : null,
      virtualDirectory: provider === "azure_devops" ? AZURE_ORG : null,
      test: false,
    },
  });
  return { integrationId, provider, host, baseUrl, app };
}

/** A member of the org and the sandbox account they connect (Azure DevOps users belong to the organization). */
export async function memberWithAccount(world: World, sandbox: Sandbox, provider: ProviderId): Promise<{ member: Actor; login: string; email: string }> {
  const member = await seedUser(world.database.db, world.admin.orgId, "member");
  const login = `dev-${crypto.randomBytes(4).toString("hex")}`;
  const user = await sandbox.admin.createUser({ provider: SANDBOX_PROVIDER[provider], login, ...(provider === "azure_devops" ? { organizations: [AZURE_ORG] } : {}) });
  return { member, login, email: user.email };
}

/**
 * Connects `actor` by OAuth through the plane's real functions: `startOAuth`, the sandbox's
 * authorize endpoint (auto-approved, signed in as `login`) followed like a browser up to the
 * redirect back, then `completeOAuthCallback` with the code and state from it, and waits for the
 * runner's `oauth.exchange` job to finish.
 */
export async function connectOAuth(world: World, sandbox: Sandbox, integration: SandboxIntegration, actor: Actor, login: string): Promise<JobView> {
  await sandbox.admin.signIn(SANDBOX_PROVIDER[integration.provider], login);
  const { authorizeUrl } = await startOAuth({ db: world.database.db, actor, integrationId: integration.integrationId, publicBaseUrl: PUBLIC_BASE_URL });
  const answer = await fetch(authorizeUrl, { redirect: "manual" });
  expect(answer.status, await answer.clone().text()).toBe(302);
  const back = new URL(answer.headers.get("location") ?? "");
  expect(`${back.origin}${back.pathname}`).toBe(oauthCallbackUrl(PUBLIC_BASE_URL, integration.integrationId));
  const outcome = await completeOAuthCallback({ db: world.database.db, actor, integrationId: integration.integrationId, params: back.searchParams, publicBaseUrl: PUBLIC_BASE_URL });
  if (!outcome.ok) throw new Error(`the callback failed with ${outcome.code}`);
  return awaitJob({ database: world.database, orgId: actor.orgId, jobId: outcome.jobId });
}

/** Removes the OS users the runner made for its environments (a test's runner leaves none behind). */
export async function removeEnvironmentIdentities(dataDir: string): Promise<void> {
  for (const environmentId of await listEnvironmentIds(dataDir)) await removeIdentity(environmentId);
}

/** Everything the runner processes printed. */
export function runnerOutput(world: World): string {
  return world.processes.map((p) => `${p.stdout()}\n${p.stderr()}`).join("\n");
}

/** Opens a stored credential's boxes with the runner's own key (the test plays the runner's operator). */
export async function openStored(world: World, row: HostAuthToken): Promise<{ accessToken: string; refreshToken: string | null }> {
  const key = JSON.parse(fs.readFileSync(path.join(world.dataDir, KEY_FILE), "utf8")) as RunnerKeyPair;
  return openTokens(key, { runnerId: world.runnerId, integrationId: row.integrationId, userId: row.userId, generation: row.generation }, row);
}

/** The stored credential of a user for a host, or undefined. */
export async function storedCredential(world: World, userId: string, host: string) {
  const [row] = await world.database.db
    .select()
    .from(hostAuthTokens)
    .where(and(eq(hostAuthTokens.runnerId, world.runnerId), eq(hostAuthTokens.userId, userId), eq(hostAuthTokens.host, host)));
  return row;
}
