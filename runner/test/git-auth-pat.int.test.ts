import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "@/db/client";
import { seal } from "@/lib/crypto/sealed-box";
import { AppError } from "@/lib/errors/app-error";
import { connectWithPat } from "@/lib/git-auth/connect-with-pat";
import type { ProviderId } from "@/lib/providers";
import type { Actor } from "@/lib/users/actor";
import type { IssuePatInput, Sandbox } from "@/sandbox";
import { testEngines } from "@/tests/helpers/test-database";
import { dumpDatabase } from "./support/fixtures";
import { addIntegration, Canaries, createWorld, memberWithAccount, openStored, runnerOutput, SANDBOX_PROVIDER, storedCredential, type SandboxIntegration, type World } from "./support/scm-world";
import { sandboxForFile } from "./support/file-sandbox";

vi.setConfig({ testTimeout: 60_000 });

const PROVIDERS: ProviderId[] = ["github", "gitlab", "bitbucket", "azure_devops"];
/** A PAT with what each integration's default PAT scopes ask for. */
const GOOD_PAT: Record<ProviderId, Partial<IssuePatInput>> = {
  github: { scopes: ["repo", "read:user"] },
  gitlab: { scopes: ["api", "read_user", "write_repository"] },
  bitbucket: { scopes: ["read:user:bitbucket", "read:repository:bitbucket", "write:repository:bitbucket"] },
  azure_devops: { organizations: ["contoso"] },
};

let sandbox: Sandbox;
const canaries = new Canaries();

sandboxForFile({ validateGithub: false }, (started) => (sandbox = started));

describe.each(testEngines())("PAT connect through a runner process on $name", (engine) => {
  let database: Database;
  let world: World;
  const integrations = {} as Record<ProviderId, SandboxIntegration>;

  beforeAll(async () => {
    database = await engine.open();
    world = await createWorld({ database, sandbox });
    // PAT only: the PAT form is what these tests fill in.
    for (const provider of PROVIDERS) integrations[provider] = await addIntegration(world, sandbox, canaries, provider, { oauth: false, pat: true });
    await world.startRunner();
  });

  afterAll(async () => {
    await world?.close();
    await database?.close();
  });

  /** The token sealed as the browser seals it: to the runner's key, for this runner, host and user. */
  const sealPat = (actor: Actor, provider: ProviderId, token: string) =>
    seal(world.publicKey, { purpose: "pat", runnerId: world.runnerId, host: integrations[provider].host, userId: actor.userId }, canaries.add(token));

  async function connect(actor: Actor, provider: ProviderId, token: string, extra: { username?: string | null; repository?: string } = {}) {
    return connectWithPat({ database, actor, integrationId: integrations[provider].integrationId, patSealed: await sealPat(actor, provider, token), ...extra });
  }

  /** Runs a connection expected to fail; returns the typed error and checks that nothing was stored. */
  async function failure(actor: Actor, provider: ProviderId, token: string, extra: Parameters<typeof connect>[3] = {}): Promise<AppError> {
    const error = await connect(actor, provider, token, extra).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect(await storedCredential(world, actor.userId, integrations[provider].host)).toBeUndefined();
    expect(JSON.stringify({ message: (error as AppError).message, fieldErrors: (error as AppError).fieldErrors })).not.toContain(token);
    return error as AppError;
  }

  it.each(PROVIDERS)("connects %s with a PAT: validated at the provider, re-sealed to the runner as the user's access token, stored", async (provider) => {
    const { member, login, email } = await memberWithAccount(world, sandbox, provider);
    const pat = await sandbox.admin.issuePat({ provider: SANDBOX_PROVIDER[provider], login, ...GOOD_PAT[provider] });
    const connected = await connect(member, provider, pat.value, { username: provider === "bitbucket" ? email : null });

    const expectedLogin = provider === "azure_devops" ? email : login;
    expect(connected.login).toBe(expectedLogin);
    const row = await storedCredential(world, member.userId, integrations[provider].host);
    expect(row).toMatchObject({ source: "pat", subjectLogin: expectedLogin, generation: 1, refreshTokenSealed: null, needsReauthReason: null });
    // GitHub classic and GitLab tokens report their scopes; Bitbucket and Azure DevOps do not to a successful call.
    if (provider === "github" || provider === "gitlab") expect([...row!.scopes].sort()).toEqual([...(GOOD_PAT[provider].scopes ?? [])].sort());
    expect((await openStored(world, row!)).accessToken).toBe(pat.value);
  });

  it("names what is wrong with a token, on the token field, and stores nothing: wrong, expired, missing scopes", async () => {
    const github = await memberWithAccount(world, sandbox, "github");
    const wrong = await failure(github.member, "github", `ghp_${crypto.randomBytes(18).toString("hex")}`);
    expect(wrong).toMatchObject({ code: "pat_invalid", fieldErrors: { token: [expect.any(String)] } });

    const narrow = await sandbox.admin.issuePat({ provider: "github", login: github.login, scopes: ["read:user"] });
    const missing = await failure(github.member, "github", narrow.value);
    expect(missing.code).toBe("pat_missing_scopes");
    expect(missing.message).toContain("repo");
    expect(missing.fieldErrors?.token?.[0]).toContain("repo");

    const gitlab = await memberWithAccount(world, sandbox, "gitlab");
    const old = await sandbox.admin.issuePat({ provider: "gitlab", login: gitlab.login, scopes: ["api", "read_user", "write_repository"], expiresInSeconds: -3 * 86_400 });
    expect(await failure(gitlab.member, "gitlab", old.value)).toMatchObject({ code: "pat_expired", fieldErrors: { token: [expect.any(String)] } });
  });

  it("refuses a token not authorized for an organization's SAML SSO when the repository is named", async () => {
    const { member, login } = await memberWithAccount(world, sandbox, "github");
    // An owner that is no sandbox user is an organization; this one enforces SAML SSO for the token.
    const org = `sso-org-${crypto.randomBytes(3).toString("hex")}`;
    await sandbox.admin.createRepo({ provider: "github", path: `${org}/app`, collaborators: [{ login, permission: "write" }] });
    const pat = await sandbox.admin.issuePat({ provider: "github", login, scopes: ["repo", "read:user"], ssoUnauthorizedOrgs: [org] });
    const error = await failure(member, "github", pat.value, { repository: `${org}/app` });
    expect(error).toMatchObject({ code: "sso_authorization_required", fieldErrors: { token: [expect.stringMatching(/single sign-on/)] } });
  });

  it("refuses the credential kinds the product does not use: a Bitbucket app password, an Azure DevOps PAT for all organizations", async () => {
    const bitbucket = await memberWithAccount(world, sandbox, "bitbucket");
    const appPassword = await failure(bitbucket.member, "bitbucket", `ATBB${crypto.randomBytes(16).toString("hex")}`, { username: bitbucket.email });
    expect(appPassword).toMatchObject({ code: "unsupported_credential_type", fieldErrors: { token: [expect.stringMatching(/app password/)] } });

    const azure = await memberWithAccount(world, sandbox, "azure_devops");
    const global = await sandbox.admin.issuePat({ provider: "azure-devops", login: azure.login });
    expect(global.global).toBe(true);
    expect(await failure(azure.member, "azure_devops", global.value)).toMatchObject({ code: "unsupported_credential_type", fieldErrors: { token: [expect.stringMatching(/all accessible organizations/)] } });
  });

  it("reports an unreachable host as host_unreachable after the plane's retry", async () => {
    const { member, login } = await memberWithAccount(world, sandbox, "gitlab");
    const pat = await sandbox.admin.issuePat({ provider: "gitlab", login, scopes: ["api", "read_user", "write_repository"] });
    const fault = await sandbox.admin.addFault({ provider: "gitlab", kind: "unreachable", path: "/api/v4/personal_access_tokens/self" });
    try {
      expect((await failure(member, "gitlab", pat.value)).code).toBe("host_unreachable");
    } finally {
      await sandbox.admin.removeFault(fault.id);
    }
  });

  it("keeps every token out of the database, the runner API's responses and the runner's output", async () => {
    expect(canaries.values.length).toBeGreaterThanOrEqual(10);
    canaries.expectAbsent({ database: await dumpDatabase(database.db), apiResponses: world.proxy.responses.join("\n"), runnerOutput: runnerOutput(world) });
  });
});
