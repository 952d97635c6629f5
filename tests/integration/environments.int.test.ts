import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import type { Database, Db } from "@/db/client";
import { environments, runnerJobs, runners, scmIntegrations } from "@/db/schema";
import { createEnvironment } from "@/lib/environments/create-environment";
import { findIntegrationHost } from "@/lib/git-auth/find-integration-host";
import { listEnvironmentRunners } from "@/lib/environments/list-environment-runners";
import { listEnvironments } from "@/lib/environments/list-environments";
import { AppError } from "@/lib/errors/app-error";
import { environmentCreatePayloadSchema } from "@/lib/git-auth/job-payloads";
import type { Actor } from "@/lib/users/actor";
import { expectCode } from "../helpers/expect-code";
import { setupGitAuth } from "../helpers/git-auth-setup";
import { startRunnerApiServer, type RunnerApiServer } from "../helpers/runner-api-server";
import { seedUser } from "../helpers/seed";
import { testEngines } from "../helpers/test-database";

describe.each(testEngines())("environments on $name", (engine) => {
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
  const create = (actor: Actor, runnerId: string, repoUrl: string, branch?: string) => createEnvironment({ db, actor, runnerId, repoUrl, branch, allowLoopback: false });
  const stored = async (runnerId: string) => ({
    environments: await db.select().from(environments).where(eq(environments.runnerId, runnerId)),
    jobs: await db.select().from(runnerJobs).where(eq(runnerJobs.runnerId, runnerId)),
  });

  it("refuses malformed, credentialed, ssh and unknown-host URLs with typed errors on the field, and stores nothing", async () => {
    const { member, seeded } = await connected();
    const cases: Array<[string, string]> = [
      ["not a url", "repo_url_invalid"],
      ["https://octocat:ghp_secret@github.com/acme/app.git", "repo_url_invalid"],
      ["git@github.com:acme/app.git", "repo_url_invalid"],
      ["ssh://git@github.com/acme/app.git", "repo_url_invalid"],
      ["file:///etc/passwd", "repo_url_invalid"],
      ["https://github.com/acme", "repo_url_invalid"],
      ["https://github.com/acme/app?ref=main", "repo_url_invalid"],
      ["http://127.0.0.1:9/acme/app", "repo_url_invalid"],
      ["https://codeberg.org/acme/app", "no_integration_for_host"],
    ];
    for (const [url, code] of cases) {
      const error = await create(member, seeded.runnerId, url).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error, url).toBeInstanceOf(AppError);
      expect((error as AppError).code, url).toBe(code);
      expect((error as AppError).fieldErrors?.repoUrl?.length, url).toBe(1);
      expect(JSON.stringify((error as AppError).fieldErrors)).not.toContain("ghp_secret");
    }
    const outsider = (await connected()).member;
    await expectCode(create(outsider, seeded.runnerId, "https://github.com/acme/app"), "not_found");
    expect(await stored(seeded.runnerId)).toEqual({ environments: [], jobs: [] });
  });

  it("asks for authorization with the enabled methods when the owner has no working credential; nothing is stored", async () => {
    const { member, seeded, ids } = await connected();
    // gitlab: a credential exists but needs re-authentication.
    expect(await create(member, seeded.runnerId, "https://gitlab.example.com/group/sub/project.git")).toEqual({
      kind: "needs_authorization",
      integrationId: ids[1],
      host: "gitlab.example.com",
      provider: "gitlab",
      oauth: true,
      pat: true,
      repository: "group/sub/project",
      // What the prompt needs for this one host: the page no longer ships every host up front.
      target: expect.objectContaining({ integrationId: ids[1], runnerId: seeded.runnerId, runnerName: expect.any(String), runnerPublicKey: seeded.keys.publicKey, host: "gitlab.example.com", provider: "gitlab", providerName: "GitLab", oauthEnabled: true, patEnabled: true }),
    });
    // bitbucket: never connected; PAT only.
    expect(await create(member, seeded.runnerId, "https://bitbucket.org/team/repo")).toMatchObject({ kind: "needs_authorization", integrationId: ids[2], oauth: false, pat: true });
    // github: connected, but not for a colleague.
    const colleague = await seedUser(db, member.orgId, "member");
    expect(await create(colleague, seeded.runnerId, "https://github.com/acme/app")).toMatchObject({ kind: "needs_authorization", integrationId: ids[0] });
    expect(await stored(seeded.runnerId)).toEqual({ environments: [], jobs: [] });
  });

  it("creates the environment and its clone job together, follows its progress, and shows it ready or failed to its owner only", async () => {
    const { member, seeded, runner, ids } = await connected();
    const outcome = await create(member, seeded.runnerId, "https://github.com/acme/app.git", "feature/x");
    expect(outcome.kind).toBe("created");
    if (outcome.kind !== "created") return;
    const { environments: envs, jobs } = await stored(seeded.runnerId);
    expect(envs).toHaveLength(1);
    expect(envs[0]).toMatchObject({ id: outcome.environmentId, jobId: outcome.jobId, ownerId: member.userId, repoUrl: "https://github.com/acme/app", repoPath: "acme/app", branch: "feature/x", status: "creating" });
    expect(jobs).toHaveLength(1);
    expect(environmentCreatePayloadSchema.parse(jobs[0]!.payload)).toMatchObject({ environmentId: outcome.environmentId, ownerId: member.userId, repoPath: "acme/app", branch: "feature/x", integration: { integrationId: ids[0] } });

    const job = await runner.claim("environment.create");
    await runner.progress(job, "receiving_objects: 50%");
    expect(await listEnvironments({ db, actor: member })).toMatchObject([{ id: outcome.environmentId, status: "creating", progress: "receiving_objects: 50%", jobId: outcome.jobId, runnerName: expect.any(String) }]);
    await runner.succeed(job, { branch: "feature/x", headSha: "a".repeat(40) });
    expect(await listEnvironments({ db, actor: member })).toMatchObject([{ id: outcome.environmentId, status: "ready", branch: "feature/x", progress: null, errorCode: null }]);
    const colleague = await seedUser(db, member.orgId, "member");
    expect(await listEnvironments({ db, actor: colleague })).toEqual([]);

    const second = await create(member, seeded.runnerId, "https://github.com/acme/private");
    const failing = await runner.claim("environment.create");
    await runner.fail(failing, { code: "repository_not_found", message: "remote: Repository not found." });
    const listed = await listEnvironments({ db, actor: member });
    expect(listed.find((e) => second.kind === "created" && e.id === second.environmentId)).toMatchObject({ status: "failed", errorCode: "repository_not_found" });
  });

  it("writes no environment when its job cannot be written (one transaction)", async () => {
    const { member, seeded } = await connected();
    await db.execute(sql.raw(`create or replace function fail_clone_job() returns trigger language plpgsql as $$ begin if new.kind = 'environment.create' and new.payload->>'repoPath' = 'acme/explode' then raise exception 'job refused'; end if; return new; end $$`));
    await db.execute(sql.raw(`create trigger fail_clone_job before insert on runner_jobs for each row execute function fail_clone_job()`));
    try {
      await expect(create(member, seeded.runnerId, "https://github.com/acme/explode")).rejects.toThrow();
    } finally {
      await db.execute(sql.raw(`drop trigger fail_clone_job on runner_jobs`));
    }
    expect(await stored(seeded.runnerId)).toEqual({ environments: [], jobs: [] });
  });

  it("offers, by name, only the runners with a host to sign in to (or where the person holds a credential), without their hosts", async () => {
    const { member, seeded, ids, orgId } = await connected();
    const [seededRunner] = await db.select({ name: runners.name }).from(runners).where(eq(runners.id, seeded.runnerId));
    // A runner with no integration, and one whose only host has every sign-in method off: neither is offered.
    const [bare] = await db.insert(runners).values({ orgId, name: "aaa-bare" }).returning({ id: runners.id });
    const [closed] = await db.insert(runners).values({ orgId, name: "AAA-closed" }).returning({ id: runners.id });
    const [open] = await db.insert(runners).values({ orgId, name: "Zed" }).returning({ id: runners.id });
    const [template] = await db.select().from(scmIntegrations).where(eq(scmIntegrations.id, ids[0]!));
    const { id: _id, createdAt: _c, updatedAt: _u, ...copy } = template!;
    await db.insert(scmIntegrations).values({ ...copy, runnerId: closed!.id, oauthEnabled: false, patEnabled: false });
    await db.insert(scmIntegrations).values({ ...copy, runnerId: open!.id });
    const offered = await listEnvironmentRunners({ db, actor: member });
    expect(offered).toEqual([{ id: seeded.runnerId, name: seededRunner!.name }, { id: open!.id, name: "Zed" }].sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase())));
    expect(offered.map((r) => r.id)).not.toContain(bare!.id);
    // Another organization sees none of them.
    const outsider = (await connected()).member;
    expect((await listEnvironmentRunners({ db, actor: outsider })).map((r) => r.id)).not.toContain(seeded.runnerId);
    // The host shown when OAuth comes back, for this organization's integrations only.
    expect(await findIntegrationHost({ db, actor: member, integrationId: ids[0]! })).toBe("github.com");
    expect(await findIntegrationHost({ db, actor: outsider, integrationId: ids[0]! })).toBeNull();
    expect(await findIntegrationHost({ db, actor: member, integrationId: "not-a-uuid" })).toBeNull();
  });
});
