import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database, Db } from "@/db/client";
import { listRepositories } from "@/lib/environments/list-repositories";
import { repositoriesListPayloadSchema } from "@/lib/environments/repositories-protocol";
import type { Actor } from "@/lib/users/actor";
import { expectCode } from "../helpers/expect-code";
import { setupGitAuth } from "../helpers/git-auth-setup";
import { startRunnerApiServer, type RunnerApiServer } from "../helpers/runner-api-server";
import { seedUser } from "../helpers/seed";
import { testEngines } from "../helpers/test-database";

const OFFLINE_AFTER_MS = 60_000;

describe.each(testEngines())("repository picker on $name", (engine) => {
  let database: Database;
  let db: Db;
  let api: RunnerApiServer;
  beforeAll(async () => {
    database = await engine.open();
    db = database.db;
    api = await startRunnerApiServer(database);
  });
  afterAll(async () => {
    await api.close();
    await database.close();
  });

  const connected = () =>
    setupGitAuth(db, api.url, {
      tokens: (m) => [
        { integration: 0, userId: m.userId, source: "oauth", login: "octocat", scopes: ["repo"] },
        { integration: 1, userId: m.userId, source: "pat", login: "tanuki", scopes: ["api"], needsReauthReason: "revoked" },
      ],
    });
  const list = (actor: Actor, runnerId: string, host: string, search: string | null = null) =>
    listRepositories({ database, actor, runnerId, host, search, offlineAfterMs: OFFLINE_AFTER_MS, deadlineMs: 5_000 });

  it("refuses before any job: offline runner, host not offered, not connected, reconnect needed, another org's runner", async () => {
    const setup = await connected();
    const { member, seeded, runner, orgId } = setup;
    await expectCode(list(member, seeded.runnerId, "github.com"), "runner_offline");
    await runner.call("GET", "/jobs?wait=1");
    await expectCode(list(member, seeded.runnerId, "elsewhere.example"), "no_integration_for_host");
    await expectCode(list(member, seeded.runnerId, "gitlab.example.com"), "credential_needs_reauth");
    await expectCode(list(member, seeded.runnerId, "bitbucket.org"), "not_authorized_for_host");
    // A colleague without a connection of their own does not get the member's.
    const colleague = await seedUser(db, orgId, "member");
    await expectCode(list(colleague, seeded.runnerId, "github.com"), "not_authorized_for_host");
    const outsider = (await connected()).member;
    await expectCode(list(outsider, seeded.runnerId, "github.com"), "no_integration_for_host");
  });

  it("asks the runner with the user's id and no token, and answers its listing; the runner's typed failure is kept", async () => {
    const { member, seeded, runner } = await connected();
    await runner.call("GET", "/jobs?wait=1");
    const pending = list(member, seeded.runnerId, "github.com", "app");
    const job = await runner.claim("repositories.list");
    const payload = repositoriesListPayloadSchema.parse(job.payload);
    expect(payload).toMatchObject({ userId: member.userId, search: "app", integration: { host: "github.com" } });
    expect(JSON.stringify(job.payload)).not.toMatch(/token/i);
    const repositories = [{ fullName: "acme/app", webUrl: "https://github.com/acme/app", cloneUrl: "https://github.com/acme/app.git", private: true, defaultBranch: "main" }];
    await runner.succeed(job, { repositories, truncated: false });
    expect(await pending).toEqual({ repositories, truncated: false });

    const failing = expectCode(list(member, seeded.runnerId, "github.com", "rate"), "rate_limited");
    const second = await runner.claim("repositories.list");
    await runner.fail(second, { code: "rate_limited", message: "github.com is rate-limiting this account." });
    await failing;
  });
});
