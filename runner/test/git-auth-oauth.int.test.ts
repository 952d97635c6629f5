import { and, desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "@/db/client";
import { runnerJobs } from "@/db/schema";
import { disconnect } from "@/lib/git-auth/disconnect";
import type { ProviderId } from "@/lib/providers";
import { awaitJob } from "@/lib/runners/jobs/await-job";
import type { Sandbox } from "@/sandbox";
import { testEngines } from "@/tests/helpers/test-database";
import { dumpDatabase, storedAccessToken } from "./support/fixtures";
import { addIntegration, Canaries, connectOAuth, createWorld, memberWithAccount, openStored, runnerOutput, storedCredential, type SandboxIntegration, type World } from "./support/scm-world";
import { sandboxForFile } from "./support/file-sandbox";

// Every test drives a real runner process through the sandbox; on a busy machine that takes seconds.
vi.setConfig({ testTimeout: 60_000 });

const PROVIDERS: ProviderId[] = ["github", "gitlab", "bitbucket", "azure_devops"];
/** What each provider grants for the registry's default OAuth scopes (Entra answers with the resource's delegated scope). */
const GRANTED: Record<ProviderId, string[]> = {
  github: ["repo", "read:user", "user:email"],
  gitlab: ["api", "read_user", "read_repository", "write_repository"],
  bitbucket: ["repository:write", "pullrequest:write", "account"],
  azure_devops: ["499b84ac-1321-427f-aa17-267ca6975798/user_impersonation"],
};

let sandbox: Sandbox;
const canaries = new Canaries();

sandboxForFile({ autoApprove: true, validateGithub: false }, (started) => (sandbox = started));

describe.each(testEngines())("OAuth connect and disconnect through a runner process on $name", (engine) => {
  let database: Database;
  let world: World;
  const integrations = {} as Record<ProviderId, SandboxIntegration>;

  beforeAll(async () => {
    database = await engine.open();
    world = await createWorld({ database, sandbox });
    for (const provider of PROVIDERS) integrations[provider] = await addIntegration(world, sandbox, canaries, provider, { oauth: true, pat: true });
    await world.startRunner();
  });

  afterAll(async () => {
    await world?.close();
    await database?.close();
  });

  /** Whether the sandbox still accepts an access token at the provider's user endpoint. */
  async function tokenWorks(provider: "github" | "gitlab", token: string): Promise<boolean> {
    const url = provider === "github" ? `${sandbox.urls.github.api}/user` : `${sandbox.urls.gitlab.web}/api/v4/user`;
    const answer = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    return answer.status === 200;
  }

  it.each(PROVIDERS)("connects %s by OAuth: code and verifier opened, code exchanged with PKCE, identity read, tokens sealed to the runner and stored", async (provider) => {
    const integration = integrations[provider];
    const { member, login, email } = await memberWithAccount(world, sandbox, provider);
    const job = await connectOAuth(world, sandbox, integration, member, login);
    expect(job).toMatchObject({ status: "succeeded", attempts: 1, errorCode: null });

    const row = await storedCredential(world, member.userId, integration.host);
    expect(row).toMatchObject({ source: "oauth", subjectLogin: provider === "azure_devops" ? email : login, generation: 1, needsReauthReason: null, integrationId: integration.integrationId });
    expect([...row!.scopes].sort()).toEqual([...GRANTED[provider]].sort());
    // GitHub OAuth apps' tokens do not expire; the others come with an expiry and a refresh token.
    if (provider === "github") expect(row).toMatchObject({ expiresAt: null, refreshTokenSealed: null });
    else {
      expect(row!.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 30 * 60_000);
      expect(row!.refreshTokenSealed).toMatch(/^sbx1\./);
    }
    const tokens = await openStored(world, row!);
    canaries.add(tokens.accessToken);
    if (tokens.refreshToken) canaries.add(tokens.refreshToken);
    const stages = world.runner!.logs().filter((l) => l.event === "job.stage" && l.jobId === job.id).map((l) => l.stage);
    expect(stages).toEqual(["exchanging_code", "identifying"]);
  });

  it("disconnects GitHub and GitLab OAuth connections with the tokens revoked at the provider", async () => {
    for (const provider of ["github", "gitlab"] as const) {
      const integration = integrations[provider];
      const { member, login } = await memberWithAccount(world, sandbox, provider);
      await connectOAuth(world, sandbox, integration, member, login);
      const { accessToken } = await openStored(world, (await storedCredential(world, member.userId, integration.host))!);
      expect(await tokenWorks(provider, accessToken)).toBe(true);
      const before = sandbox.admin.revocations().length;

      expect(await disconnect({ database, actor: member, integrationId: integration.integrationId })).toEqual({ revocation: "revoked", manualUrl: null });
      expect(await storedCredential(world, member.userId, integration.host)).toBeUndefined();
      const revoked = sandbox.admin.revocations().slice(before);
      // GitHub deletes the whole grant; GitLab revokes the access token and, with it, its refresh token.
      expect(revoked.length).toBeGreaterThan(0);
      for (const r of revoked) expect(r).toMatchObject({ provider, via: "api", kind: provider === "github" ? "grant" : "token" });
      expect(await tokenWorks(provider, accessToken)).toBe(false);
    }
  });

  it("disconnects while the runner is offline: the credential is gone at once, and the token is revoked once the runner is back", async () => {
    const integration = integrations.gitlab;
    const { member, login } = await memberWithAccount(world, sandbox, "gitlab");
    await connectOAuth(world, sandbox, integration, member, login);
    const { accessToken } = await openStored(world, (await storedCredential(world, member.userId, integration.host))!);
    await world.stopRunner();

    expect(await disconnect({ database, actor: member, integrationId: integration.integrationId, waitMs: 300 })).toMatchObject({ revocation: "queued" });
    expect(await storedCredential(world, member.userId, integration.host)).toBeUndefined();
    // Any later use is refused by the plane at once, whatever the runner does.
    const credentials = await fetch(`${world.api.url}/api/runner/v1/credentials?${new URLSearchParams({ userId: member.userId, host: integration.host })}`, {
      headers: { authorization: `Bearer ${storedAccessToken(world.dataDir)}` },
    });
    expect(credentials.status).toBe(409);
    expect(((await credentials.json()) as { error: { code: string } }).error.code).toBe("credential_needs_reauth");
    expect(await tokenWorks("gitlab", accessToken)).toBe(true);

    const [pending] = await database.db
      .select()
      .from(runnerJobs)
      .where(and(eq(runnerJobs.runnerId, world.runnerId), eq(runnerJobs.kind, "token.revoke")))
      .orderBy(desc(runnerJobs.createdAt))
      .limit(1);
    expect(pending).toMatchObject({ status: "pending", attempts: 0 });
    await world.startRunner();
    const job = await awaitJob({ database, orgId: world.admin.orgId, jobId: pending!.id });
    expect(job).toMatchObject({ status: "succeeded", result: { revoked: true, manualUrl: null } });
    expect(await tokenWorks("gitlab", accessToken)).toBe(false);
  });

  it("keeps every secret (client secrets, access and refresh tokens) out of the database, the runner API's responses and the runner's output", async () => {
    expect(canaries.values.length).toBeGreaterThanOrEqual(10);
    canaries.expectAbsent({ database: await dumpDatabase(database.db), apiResponses: world.proxy.responses.join("\n"), runnerOutput: runnerOutput(world) });
  });
});
