import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type IssuePatInput, type ProviderId, type RepoDto, type Sandbox } from "../index";
import { GitClient, type GitCredentials } from "./support/git-client";
import { basic } from "./support/oauth-client";

/**
 * Per provider: the repository, the user name git sends with a token (as each provider documents
 * it), and the PATs that can write and only read.
 */
interface GitCase {
  provider: ProviderId;
  login: string;
  repoPath: string;
  username: string;
  write: Omit<IssuePatInput, "provider" | "login">;
  readOnly: Omit<IssuePatInput, "provider" | "login">;
}

const CASES: GitCase[] = [
  {
    provider: "github",
    login: "octocat",
    repoPath: "octocat/app",
    username: "x-access-token",
    write: { scopes: ["repo"] },
    readOnly: { kind: "fine-grained", repositories: { "octocat/app": "read" } },
  },
  {
    provider: "gitlab",
    login: "gitlab-user",
    repoPath: "gitlab-user/app",
    username: "gitlab-user",
    write: { scopes: ["write_repository"] },
    readOnly: { scopes: ["read_repository"] },
  },
  {
    provider: "bitbucket",
    login: "bb-user",
    repoPath: "bb-user/app",
    username: "x-bitbucket-api-token-auth",
    write: { scopes: ["read:repository:bitbucket", "write:repository:bitbucket"] },
    readOnly: { scopes: ["read:repository:bitbucket"] },
  },
  {
    provider: "azure-devops",
    login: "ado-user",
    repoPath: "contoso/web/app",
    username: "pat",
    write: { scopes: ["vso.code_write"] },
    readOnly: { scopes: ["vso.code"] },
  },
];

let sandbox: Sandbox;
let git: GitClient;
const repos = new Map<ProviderId, RepoDto>();

beforeAll(async () => {
  [sandbox, git] = await Promise.all([startSandbox(), GitClient.create()]);
  for (const c of CASES) {
    const organizations = c.provider === "azure-devops" ? ["contoso"] : undefined;
    await sandbox.admin.createUser({ provider: c.provider, login: c.login, organizations });
    const collaborators = c.provider === "azure-devops" ? [{ login: c.login, permission: "admin" as const }] : [];
    repos.set(c.provider, await sandbox.admin.createRepo({ provider: c.provider, path: c.repoPath, files: { "README.md": "# app\n" }, collaborators }));
  }
});

afterAll(async () => {
  await Promise.all([sandbox?.close(), git?.dispose()]);
});

describe.each(CASES)("git over smart HTTP on $provider", (c) => {
  const repo = () => repos.get(c.provider) as RepoDto;
  const pat = async (extra: Omit<IssuePatInput, "provider" | "login">): Promise<GitCredentials> => ({
    username: c.username,
    password: (await sandbox.admin.issuePat({ provider: c.provider, login: c.login, ...extra })).value,
  });

  it("clones and pushes with a token that can write", async () => {
    const credentials = await pat(c.write);
    const { clone, push } = await git.cloneCommitPush(repo().cloneUrl, credentials, `${c.provider}-good`);
    expect(clone.code, clone.stderr).toBe(0);
    expect(push?.code, push?.stderr).toBe(0);
    const remote = await git.run(["ls-remote", repo().cloneUrl, "refs/heads/main"], { credentials });
    expect(remote.stdout.split("\t")[0]).not.toBe(repo().headSha);
  });

  it("lets a read-only token fetch but refuses its push with 403", async () => {
    const credentials = await pat(c.readOnly);
    const { clone, push } = await git.cloneCommitPush(repo().cloneUrl, credentials, `${c.provider}-read`);
    expect(clone.code, clone.stderr).toBe(0);
    expect(push?.code).not.toBe(0);
    expect(push?.stderr).toContain("403");

    const response = await fetch(`${repo().cloneUrl}/info/refs?service=git-receive-pack`, {
      headers: { authorization: basic(credentials.username, credentials.password) },
    });
    expect(response.status).toBe(403);
  });

  it("refuses expired and revoked tokens with 401 and a Basic challenge", async () => {
    const expired = await pat({ ...c.write, expiresInSeconds: -60 });
    const revoked = await pat(c.write);
    await sandbox.admin.revokeToken({ value: revoked.password });
    for (const credentials of [expired, revoked, { username: c.username, password: "wrong-token" }]) {
      const result = await git.run(["ls-remote", repo().cloneUrl], { credentials });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/Authentication failed|401/);
      const response = await fetch(`${repo().cloneUrl}/info/refs?service=git-upload-pack`, {
        headers: { authorization: basic(credentials.username, credentials.password) },
      });
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toMatch(/^Basic realm=/);
    }
  });
});

describe("git with OAuth tokens", () => {
  it("GitLab takes an OAuth token only with the user name oauth2", async () => {
    const app = await sandbox.admin.registerOAuthApp({ provider: "gitlab", callbackUrls: ["http://127.0.0.1:9/cb"] });
    await sandbox.admin.setAutoApprove("gitlab", true);
    const authorize = new URL(app.authorizeUrl);
    authorize.search = new URLSearchParams({ client_id: app.clientId, redirect_uri: "http://127.0.0.1:9/cb", response_type: "code", scope: "write_repository" }).toString();
    const code = new URL((await fetch(authorize, { redirect: "manual" })).headers.get("location") ?? "").searchParams.get("code") ?? "";
    const token = await fetch(app.tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "authorization_code", code, client_id: app.clientId, client_secret: app.clientSecret, redirect_uri: "http://127.0.0.1:9/cb" }),
    });
    const access = ((await token.json()) as { access_token: string }).access_token;
    const url = (repos.get("gitlab") as RepoDto).cloneUrl;
    expect((await git.run(["ls-remote", url], { credentials: { username: "oauth2", password: access } })).code).toBe(0);
    expect((await git.run(["ls-remote", url], { credentials: { username: "gitlab-user", password: access } })).code).not.toBe(0);
  });
});
