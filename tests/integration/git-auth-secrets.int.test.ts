import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database, Db } from "@/db/client";
import { runAction, type ActionDeps } from "@/lib/actions/run-action";
import { listAudit } from "@/lib/audit/list-audit";
import { createEnvironment } from "@/lib/environments/create-environment";
import { completeOAuthCallback } from "@/lib/git-auth/complete-oauth-callback";
import { connectWithPat } from "@/lib/git-auth/connect-with-pat";
import { disconnect } from "@/lib/git-auth/disconnect";
import { listGitAuthentications } from "@/lib/git-auth/list-git-authentications";
import { readConnectionJob } from "@/lib/git-auth/read-connection-job";
import { connectPatSchema, integrationIdSchema } from "@/lib/git-auth/schemas";
import { startOAuth } from "@/lib/git-auth/start-oauth";
import { setLogSink } from "@/lib/log/logger";
import type { Actor } from "@/lib/users/actor";
import { dumpDatabase, PUBLIC_BASE_URL, setupGitAuth } from "../helpers/git-auth-setup";
import { startRunnerApiServer, type RunnerApiServer } from "../helpers/runner-api-server";
import { testEngines } from "../helpers/test-database";

const CANARY_PAT = "ghp_CANARYpat0000000000000000000000000001";
const CANARY_CODE = "CANARYcode0000000000000002";
const CANARY_ACCESS = "gho_CANARYaccess000000000000000000000003";
const CANARY_REFRESH = "ghr_CANARYrefresh00000000000000000000004";
const canaries = [CANARY_PAT, CANARY_CODE, CANARY_ACCESS, CANARY_REFRESH];

/** The action wrapper as Next.js runs it, for a request from the same origin by `actor`. */
const deps = (actor: Actor): ActionDeps => ({ requestHeaders: async () => ({ origin: null, host: null, fetchSite: "same-origin" }), loadActor: async () => actor, rethrow: () => {} });

describe.each(testEngines())("Git Authentications never reveal a secret on $name", (engine) => {
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

  it("keeps canary PATs, codes and tokens out of every table, the audit log, the logs, job views and action results", async () => {
    const { member, admin, seeded, runner, ids, sealPat } = await setupGitAuth(db, api.url);
    const lines: string[] = [];
    const previous = setLogSink((line) => lines.push(line));
    const results: unknown[] = [];
    try {
      // PAT, through the action wrapper: once refused by the runner (missing scopes), once accepted.
      const connectPat = (patSealed: string) =>
        runAction(deps(member), { name: "git_auth.pat_connect", access: { roles: ["admin", "member"] }, schema: connectPatSchema, handler: (input, actor) => connectWithPat({ database, actor: actor!, integrationId: input.integrationId, patSealed: input.patSealed }) }, { integrationId: ids[0], patSealed });
      const refused = connectPat(await sealPat(member, 0, CANARY_PAT));
      const refusedJob = await runner.claim("pat.validate");
      await runner.fail(refusedJob, { code: "pat_missing_scopes", message: "The token lacks: repo", fieldErrors: { token: ["Missing scopes: repo"] } });
      results.push(await refused);
      // A plaintext token where a box belongs: refused without echoing it.
      results.push(await connectPat(CANARY_PAT));
      const accepted = connectPat(await sealPat(member, 0, CANARY_PAT));
      const okJob = await runner.claim("pat.validate");
      const opened = await runner.open(okJob.payload.patSealed as string, { purpose: "pat", runnerId: seeded.runnerId, host: "github.com", userId: member.userId });
      await runner.succeed(okJob, await runner.credential(okJob, { token: opened.value, login: "octocat", scopes: ["repo"] }));
      results.push(await accepted);
      results.push(await readConnectionJob({ db, actor: member, jobId: okJob.id }));

      // OAuth on GitLab with a canary code, answered with canary tokens.
      const { authorizeUrl } = await startOAuth({ db, actor: member, integrationId: ids[1]!, publicBaseUrl: PUBLIC_BASE_URL });
      results.push(authorizeUrl);
      const state = new URL(authorizeUrl).searchParams.get("state")!;
      const outcome = await completeOAuthCallback({ db, actor: member, integrationId: ids[1]!, params: new URLSearchParams({ state, code: CANARY_CODE }), publicBaseUrl: PUBLIC_BASE_URL });
      results.push(outcome);
      const exchange = await runner.claim("oauth.exchange");
      await runner.succeed(exchange, await runner.credential(exchange, { token: CANARY_ACCESS, refreshToken: CANARY_REFRESH, login: "tanuki", scopes: ["api"], expiresAt: new Date(Date.now() + 7200_000) }));
      results.push(await readConnectionJob({ db, actor: member, jobId: exchange.id }));
      results.push(await listGitAuthentications({ db, actor: member }));
      results.push(await createEnvironment({ db, actor: member, runnerId: seeded.runnerId, repoUrl: "https://github.com/acme/app", allowLoopback: false }));
      const credential = await runner.call("GET", `/credentials?userId=${member.userId}&host=gitlab.example.com`);
      expect(credential.status).toBe(200);
      results.push(credential.body);

      results.push(await runAction(deps(member), { name: "git_auth.disconnect", access: { roles: ["admin", "member"] }, schema: integrationIdSchema, handler: (input, actor) => disconnect({ database, actor: actor!, integrationId: input.integrationId, waitMs: 200 }) }, { integrationId: ids[1] }));
      results.push(await listAudit({ db, actor: admin }));
    } finally {
      setLogSink(previous);
    }
    expect(results[0]).toMatchObject({ ok: false, code: "pat_missing_scopes", fieldErrors: { token: ["Missing scopes: repo"] } });
    expect(results[1]).toMatchObject({ ok: false, code: "sealed_secret_invalid" });
    expect(results[2]).toEqual({ ok: true, data: { login: "octocat", scopes: ["repo"] } });

    const dump = await dumpDatabase(db);
    expect(dump).toContain("sbx1."); // the sealed boxes are stored...
    expect(lines.length).toBeGreaterThan(0);
    for (const canary of canaries) {
      expect(dump, canary).not.toContain(canary); // ...the secrets are not.
      expect(lines.join("\n"), canary).not.toContain(canary);
      expect(JSON.stringify(results), canary).not.toContain(canary);
    }
  });
});
