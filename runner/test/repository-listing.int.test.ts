import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "@/db/client";
import { seal } from "@/lib/crypto/sealed-box";
import { connectWithPat } from "@/lib/git-auth/connect-with-pat";
import { listRepositories } from "@/lib/environments/list-repositories";
import type { Sandbox } from "@/sandbox";
import { testEngines } from "@/tests/helpers/test-database";
import { dumpDatabase } from "./support/fixtures";
import { sandboxForFile } from "./support/file-sandbox";
import { addIntegration, Canaries, createWorld, memberWithAccount, runnerOutput, type SandboxIntegration, type World } from "./support/scm-world";

vi.setConfig({ testTimeout: 60_000 });

let sandbox: Sandbox;
const canaries = new Canaries();
sandboxForFile({ autoApprove: true, validateGithub: false }, (started) => (sandbox = started));

/** The repository picker end to end: the plane asks, a runner process lists with the owner's token, the plane never sees it. */
describe.each(testEngines())("Repository listing through a runner process on $name", (engine) => {
  let database: Database;
  let world: World;
  let github: SandboxIntegration;

  beforeAll(async () => {
    database = await engine.open();
    world = await createWorld({ database, sandbox });
    github = await addIntegration(world, sandbox, canaries, "github", { oauth: false, pat: true });
    await world.startRunner();
  });

  afterAll(async () => {
    await world?.close();
    await database?.close();
  });

  it("lists the repositories the owner's token can see, searched by name, and nobody else's", async () => {
    const { member, login } = await memberWithAccount(world, sandbox, "github");
    const pat = await sandbox.admin.issuePat({ provider: "github", login, scopes: ["repo", "read:user"] });
    canaries.add(pat.value);
    const patSealed = await seal(world.publicKey, { purpose: "pat", runnerId: world.runnerId, host: github.host, userId: member.userId }, pat.value);
    await connectWithPat({ database, actor: member, integrationId: github.integrationId, patSealed });
    const { login: team } = await memberWithAccount(world, sandbox, "github");
    await sandbox.admin.createRepo({ provider: "github", path: `${team}/widget-api`, files: { "README.md": "# api\n" }, collaborators: [{ login, permission: "write" }] });
    await sandbox.admin.createRepo({ provider: "github", path: `${team}/widget-web`, files: { "README.md": "# web\n" } });
    await sandbox.admin.createRepo({ provider: "github", path: `${login}/notes`, files: { "README.md": "# notes\n" } });

    const all = await listRepositories({ database, actor: member, runnerId: world.runnerId, host: github.host, offlineAfterMs: 60_000 });
    const names = all.repositories.map((r) => r.fullName).sort();
    expect(names).toEqual([`${login}/notes`, `${team}/widget-api`].sort());
    expect(all.repositories.find((r) => r.fullName === `${team}/widget-api`)).toMatchObject({ cloneUrl: `${github.baseUrl}/${team}/widget-api.git` });

    const searched = await listRepositories({ database, actor: member, runnerId: world.runnerId, host: github.host, search: "widget", offlineAfterMs: 60_000 });
    expect(searched.repositories.map((r) => r.fullName)).toEqual([`${team}/widget-api`]);

    canaries.expectAbsent({ database: await dumpDatabase(database.db), runner: runnerOutput(world) });
  });
});
