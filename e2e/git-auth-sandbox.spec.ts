import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect, expectNoSeriousA11yViolations, seedOrg, signInOverHttp, test, type SeededUser } from "./fixtures";
import { exitCode, PLANE_URL, runnerProcess, sandboxTokens, startSandboxProcess, stopProcess, type Proc, type SandboxProc } from "./diagnostics-world";
import { EnvironmentsPage } from "./pages/environments-page";
import { GitAuthPage } from "./pages/git-auth-page";
import { RunnersPage } from "./pages/runners-page";

const run = promisify(execFile);

type OAuthApp = { clientId: string; clientSecret: string };
type Pat = { id: number; value: string };
type Repo = { cloneUrl: string; headSha: string; path: string };

/**
 * git in an environment as a person would run it there, through the runner's exec command (as the
 * environment's own OS user when the runner runs as root): no prompt, no askpass, only the clone's
 * own configuration. `dir` is the clone, `<data-dir>/environments/<id>`.
 */
async function gitIn(dir: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, GIT_TERMINAL_PROMPT: "0", GIT_ASKPASS: "", SSH_ASKPASS: "", LC_ALL: "C" };
  const exec = ["--import", "tsx", "runner/cli.ts", "exec", "--data-dir", path.dirname(path.dirname(dir)), "--environment", path.basename(dir), "--", "git", ...args];
  try {
    const { stdout, stderr } = await run("node", exec, { env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const failed = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === "number" ? failed.code : 1, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
  }
}

/** The sandbox's tokens so far (a fresh PAT marks the latest id; it is one more canary). */
async function allSandboxTokens(sandbox: SandboxProc, login: string) {
  const marker = await sandbox.admin<Pat>("POST", "/admin/tokens", { provider: "github", login });
  return sandboxTokens(sandbox, marker.id);
}

/** Every regular file under `dir` (small enough to read), as text. */
function filesUnder(dir: string): Array<{ file: string; text: string }> {
  const out: Array<{ file: string; text: string }> = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (entry.isFile() && fs.statSync(file).size < 2_000_000) out.push({ file, text: fs.readFileSync(file, "latin1") });
  }
  return out;
}

/**
 * Issue 5 end to end, with a real runner process and the real provider sandbox: an admin offers
 * GitHub (Enterprise Server layout) and GitLab (self-managed) with OAuth and PATs; a member connects
 * both with OAuth in Chromium; creates an environment that the runner clones with real git as the
 * member, with progress in the list, and pushes from it through the runner's credential helper;
 * disconnects GitHub and the sandbox confirms the token is revoked. No token value reaches a page,
 * the runner's log or its disk.
 */
test.describe.serial("Git authentication against the provider sandbox", () => {
  let sandbox: SandboxProc;
  let worker: Proc | null = null;
  let dataDir = "";
  let admin: SeededUser;
  let member: SeededUser;
  let runnerName = "";
  let githubHost = "";
  let gitlabHost = "";
  const suffix = Date.now().toString(36);
  const githubLogin = `octo${suffix}`;
  const gitlabLogin = `tanuki${suffix}`;
  const apps: { github?: OAuthApp; gitlab?: OAuthApp } = {};
  let repo: Repo;
  /** A classic PAT of the member's GitHub account: to read the repository at the sandbox (and a canary). */
  let githubPat: Pat;
  let environmentId = "";
  /** Every body the plane sent the browser (pages, server actions, job polls), for the canary at the end. */
  const planeBodies: string[] = [];
  let pendingBodies: Promise<unknown>[] = [];

  test.beforeAll(async ({ request }) => {
    sandbox = await startSandboxProcess();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "scm-e2e-gitauth-"));
    const { users } = await seedOrg(request, ["admin", "member"], "E2E Git auth sandbox");
    [admin, member] = users as [SeededUser, SeededUser];
    githubHost = new URL(sandbox.urls.github.web).host;
    gitlabHost = new URL(sandbox.urls.gitlab.web).host;

    // The member's accounts at the two providers, signed in on their consent pages, and a private repository of their own.
    await sandbox.admin("POST", "/admin/users", { provider: "github", login: githubLogin });
    await sandbox.admin("POST", "/admin/users", { provider: "gitlab", login: gitlabLogin });
    await sandbox.admin("PUT", "/admin/sign-in", { provider: "github", login: githubLogin });
    await sandbox.admin("PUT", "/admin/sign-in", { provider: "gitlab", login: gitlabLogin });
    repo = await sandbox.admin<Repo>("POST", "/admin/repos", {
      provider: "github",
      path: `${githubLogin}/app`,
      files: { "README.md": "# app\n", "src/index.ts": "export const answer = 42;\n", "docs/guide.md": "Read me.\n" },
    });
    githubPat = await sandbox.admin<Pat>("POST", "/admin/tokens", { provider: "github", login: githubLogin, scopes: ["repo", "read:user"] });
  });

  test.afterAll(async () => {
    await sandbox?.admin("DELETE", "/admin/faults").catch(() => undefined);
    await stopProcess(worker);
    await stopProcess(sandbox);
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test.beforeEach(({ page }) => {
    page.on("response", (response) => {
      if (response.url().startsWith(PLANE_URL)) pendingBodies.push(response.text().then((body) => planeBodies.push(body), () => undefined));
    });
  });

  test.afterEach(async () => {
    await Promise.allSettled(pendingBodies);
    pendingBodies = [];
  });

  test("an admin offers GitHub Enterprise Server and GitLab self-managed on a real runner, each with OAuth and PATs; Save & Test passes for both", async ({ page }) => {
    test.setTimeout(180_000);
    await signInOverHttp(page, admin);
    const runners = new RunnersPage(page);
    await runners.goto();
    runnerName = `sandbox-runner-${suffix}`;
    const { token } = await runners.createRunner(runnerName);
    const register = runnerProcess(["register", "--url", PLANE_URL, "--token", token], dataDir);
    expect(await exitCode(register.child), register.output()).toBe(0);
    // Debug logging, so the canary check below covers everything the runner could say.
    worker = runnerProcess(["start"], dataDir, { LOG_LEVEL: "debug" });
    await runners.expectStatus(runnerName, "online", 30_000);

    const providers = [
      { id: "github" as const, name: "GitHub" as const, deployment: "GitHub Enterprise Server", url: sandbox.urls.github.web, host: githubHost },
      { id: "gitlab" as const, name: "GitLab" as const, deployment: "GitLab self-managed", url: sandbox.urls.gitlab.web, host: gitlabHost },
    ];
    for (const provider of providers) {
      await runners.goto();
      const form = await (await runners.openRunner(runnerName)).addProvider();
      const callbackUrl = await form.callbackUrl();
      expect(callbackUrl).toMatch(new RegExp(`^${PLANE_URL}/api/scm/oauth/callback/[0-9a-f-]{36}$`));
      const app = await sandbox.admin<OAuthApp>("POST", "/admin/oauth-apps", { provider: provider.id, name: `E2E ${provider.name}`, callbackUrls: [callbackUrl] });
      apps[provider.id] = app;
      await form.chooseProvider(provider.name, provider.deployment);
      await form.fillHost(provider.url);
      await form.fillOAuthClient(app.clientId, app.clientSecret);
      await form.expectPatEnabled();
      await form.saveAndTest();
      expect(await form.checksWhenDone(40_000), `${provider.name}: ${worker.output()}`).toEqual({ reachable: "passed", api: "passed", oauth_client: "passed" });
      await expect(form.progress().getByRole("status")).toHaveText("All checks passed");
    }

    await runners.goto();
    const detail = await runners.openRunner(runnerName);
    await expect(detail.integrationRow(githubHost)).toBeVisible();
    await expect(detail.integrationRow(gitlabHost)).toBeVisible();
  });

  test("a member connects GitHub and GitLab with OAuth in Chromium: progress while the runner exchanges the code, then connected as their login", async ({ page }) => {
    test.setTimeout(120_000);
    await signInOverHttp(page, member);
    const gitAuth = new GitAuthPage(page);
    await gitAuth.goto();
    await expect(gitAuth.connectionState("GitHub", githubHost)).toHaveAttribute("data-connection-state", "not_connected");
    await expect(gitAuth.connectionState("GitLab", gitlabHost)).toHaveAttribute("data-connection-state", "not_connected");

    const flows = [
      { provider: "github" as const, name: "GitHub", host: githubHost, login: githubLogin, tokenPath: "/login/oauth/access_token" },
      { provider: "gitlab" as const, name: "GitLab", host: gitlabHost, login: gitlabLogin, tokenPath: "/oauth/token" },
    ];
    for (const flow of flows) {
      // The provider's token endpoint takes its time once, so the progress the page shows meanwhile is observable.
      await sandbox.admin("POST", "/admin/faults", { provider: flow.provider, kind: "latency", latencyMs: 2_500, method: "POST", path: flow.tokenPath, count: 1 });
      await gitAuth.connectWithOAuth(flow.name, flow.host);
      // The sandbox auto-approves the consent page and sends the browser back to the plane's callback.
      await expect(page).toHaveURL(/\/settings\/git-authentications/, { timeout: 30_000 });
      await expect(gitAuth.status()).toHaveAttribute("data-state", "connecting");
      await expect(gitAuth.status()).toContainText(`Exchanging the authorization with the runner for ${flow.host}…`);
      await expect(gitAuth.status()).toHaveAttribute("data-state", "connected", { timeout: 30_000 });
      await expect(gitAuth.status()).toContainText(`Connected to ${flow.host}.`);
      await expect(gitAuth.connectionState(flow.name, flow.host)).toHaveAttribute("data-connection-state", "connected");
      await expect(gitAuth.row(flow.name, flow.host)).toContainText(`Connected as @${flow.login} via OAuth`);
    }
    await expect(page).toHaveURL(/\/settings\/git-authentications$/);
    await expectNoSeriousA11yViolations(page);

    // The sandbox issued one OAuth token per provider, to the member's accounts, through the registered apps.
    const oauth = (await allSandboxTokens(sandbox, githubLogin)).filter((t) => t.kind === "oauth" && t.revokedAt === null);
    expect(oauth.map((t) => [t.provider, t.login, t.clientId]).sort()).toEqual([
      ["github", githubLogin, apps.github!.clientId],
      ["gitlab", gitlabLogin, apps.gitlab!.clientId],
    ]);
  });

  test("the member creates an environment from a sandbox GitHub repository: the list follows the clone to Ready; the clone holds no token and pushes as the member", async ({ page }) => {
    test.setTimeout(180_000);
    await signInOverHttp(page, member);
    const environments = new EnvironmentsPage(page);
    await environments.goto();
    const listed = repo.cloneUrl.replace(/\.git$/, "");

    // git's first requests to the repository are slowed, so the clone stage is on screen long enough to see.
    await sandbox.admin("POST", "/admin/faults", { provider: "github", kind: "latency", latencyMs: 2_500, pathRegex: `^/${repo.path}(\\.git)?/info/refs`, count: 2 });
    await environments.create(repo.cloneUrl);
    await expect(environments.prompt()).toBeHidden();
    const row = environments.row(listed);
    await expect(row).toHaveAttribute("data-status", "creating", { timeout: 15_000 });
    await expect(row).toContainText("Creating");
    const stages = new Set<string>();
    await expect
      .poll(
        async () => {
          for (const text of await environments.progress(listed).allTextContents()) stages.add(text.trim());
          return row.getAttribute("data-status");
        },
        { timeout: 90_000, intervals: [200] },
      )
      .toBe("ready");
    test.info().annotations.push({ type: "clone stages shown", description: [...stages].join(" | ") });
    expect([...stages], worker!.output()).toContain("Cloning…");
    // git's own progress, read by the runner and sent to the plane (too quick for a repository this small to stay on screen).
    // (Throttled: which percentages are sent depends on timing, so any of git's phases will do.)
    expect(worker!.output()).toMatch(/"event":"job\.stage","jobId":"[^"]+","stage":"(counting_objects|compressing_objects|receiving_objects|resolving_deltas): \d+%"/);
    await expect(row).toContainText("Ready");
    await expect(row).toContainText("Branch main");
    await expectNoSeriousA11yViolations(page);
    environmentId = await environments.environmentId(listed);

    // The clone on the runner's disk: the repository's files, the plain remote URL, the runner's helper, no token.
    const dir = path.join(dataDir, "environments", environmentId);
    expect(fs.readFileSync(path.join(dir, "src", "index.ts"), "utf8")).toBe("export const answer = 42;\n");
    const remote = await gitIn(dir, ["remote", "get-url", "origin"]);
    expect(remote.stdout.trim()).toBe(listed);
    expect((await gitIn(dir, ["rev-parse", "HEAD"])).stdout.trim()).toBe(repo.headSha);
    const config = fs.readFileSync(path.join(dir, ".git", "config"), "utf8");
    expect(config).toContain("git-credential-scm.sh");
    expect((await gitIn(dir, ["config", "--local", "--get", "scm.environmentId"])).stdout.trim()).toBe(environmentId);
    const oauthToken = (await allSandboxTokens(sandbox, githubLogin)).find((t) => t.provider === "github" && t.kind === "oauth" && t.revokedAt === null);
    expect(oauthToken, "the member's GitHub OAuth token at the sandbox").toBeTruthy();
    for (const { file, text } of filesUnder(dataDir)) expect(text, file).not.toContain(oauthToken!.value);
    expect(config).not.toMatch(/gho_|ghp_|password|x-access-token/);

    // A new commit pushed from the environment arrives at the sandbox, made with the member's credential through the runner.
    fs.writeFileSync(path.join(dir, "CHANGES.md"), `Pushed from environment ${environmentId}.\n`);
    expect((await gitIn(dir, ["add", "CHANGES.md"])).code).toBe(0);
    const commit = await gitIn(dir, ["-c", "user.name=E2E Member", "-c", "user.email=member@e2e.test", "commit", "-m", "Push from the environment"]);
    expect(commit.code, commit.stderr).toBe(0);
    const pushed = await gitIn(dir, ["push", "origin", "HEAD:refs/heads/e2e-push"]);
    expect(pushed.code, `${pushed.stderr}\n${worker!.output()}`).toBe(0);
    const head = (await gitIn(dir, ["rev-parse", "HEAD"])).stdout.trim();
    const branch = await fetch(`${sandbox.urls.github.web}/api/v3/repos/${repo.path}/branches/e2e-push`, { headers: { authorization: `token ${githubPat.value}`, accept: "application/vnd.github+json" } });
    expect(branch.status).toBe(200);
    expect(((await branch.json()) as { commit: { sha: string } }).commit.sha).toBe(head);
    expect(worker!.output()).toContain(`"git_credential.served"`);
  });

  test("the member disconnects GitHub: the dialog says the token will be revoked, the notice says it was, and the sandbox refuses it", async ({ page }) => {
    test.setTimeout(90_000);
    await signInOverHttp(page, member);
    const token = (await allSandboxTokens(sandbox, githubLogin)).find((t) => t.provider === "github" && t.kind === "oauth" && t.revokedAt === null)!;
    expect(token, "the member's GitHub OAuth token").toBeTruthy();
    const whoAmI = () => fetch(`${sandbox.urls.github.web}/api/v3/user`, { headers: { authorization: `Bearer ${token.value}`, accept: "application/vnd.github+json" } });
    expect((await whoAmI()).status).toBe(200);

    const gitAuth = new GitAuthPage(page);
    await gitAuth.goto();
    const dialog = await gitAuth.disconnect("GitHub", githubHost);
    await expect(dialog).toContainText(`Your stored OAuth authorization for ${githubHost} is removed at once.`);
    await expect(dialog).toContainText("The token is also revoked at GitHub, so it stops working there too.");
    await dialog.getByRole("button", { name: "Disconnect" }).click();
    await expect(page.getByRole("status").filter({ hasText: `Disconnected from ${githubHost}` })).toContainText("The token was revoked at GitHub.", { timeout: 30_000 });
    await expect(gitAuth.connectionState("GitHub", githubHost)).toHaveAttribute("data-connection-state", "not_connected");
    await expect(gitAuth.row("GitHub", githubHost)).toContainText("Not connected");
    await expect(gitAuth.row("GitHub", githubHost).getByRole("button", { name: `Connect with OAuth for ${githubHost}` })).toBeVisible();
    await expect(gitAuth.connectionState("GitLab", gitlabHost)).toHaveAttribute("data-connection-state", "connected");

    // At the sandbox: revoked through GitHub's own API by the app, and the token no longer works.
    expect((await whoAmI()).status).toBe(401);
    expect((await sandbox.admin<{ revokedAt: string | null }>("GET", `/admin/tokens/${token.id}`)).revokedAt).not.toBeNull();
    const revocations = await sandbox.admin<Array<{ provider: string; via: string; clientId?: string; tokenId?: number }>>("GET", "/admin/revocations");
    expect(revocations.filter((r) => r.provider === "github" && r.via === "api" && r.clientId === apps.github!.clientId).length).toBeGreaterThan(0);

    // git in the environment no longer gets a credential for GitHub: it fails instead of prompting.
    const fetched = await gitIn(path.join(dataDir, "environments", environmentId), ["fetch", "origin"]);
    expect(fetched.code).not.toBe(0);
    expect(fetched.stderr).toMatch(/scm runner: .*no working connection to .*Settings > Git Authentications/);
  });

  test("canary: no token or client secret the sandbox issued is in the pages, the plane's responses, the runner's log or its data directory", async ({ page }) => {
    await signInOverHttp(page, member);
    const tokens = await allSandboxTokens(sandbox, githubLogin);
    // OAuth access tokens of both providers, GitLab's refresh token, and the PATs made here.
    expect(tokens.filter((t) => t.kind === "oauth").length).toBe(2);
    const secrets = [...tokens.map((t) => t.value), apps.github!.clientSecret, apps.gitlab!.clientSecret];
    expect(secrets.every((s) => s.length >= 16)).toBe(true);

    const gitAuth = new GitAuthPage(page);
    await gitAuth.goto();
    await expect(gitAuth.row("GitLab", gitlabHost)).toContainText(`Connected as @${gitlabLogin} via OAuth`);
    const gitAuthHtml = await page.content();
    const environments = new EnvironmentsPage(page);
    await environments.goto();
    // GitHub was disconnected above: the environment says so.
    await expect(environments.row(repo.cloneUrl.replace(/\.git$/, ""))).toContainText("Needs reconnect");
    const environmentsHtml = await page.content();
    const runnerLog = worker!.output();
    expect(runnerLog).toContain(`"event":"git_credential.served"`);
    await Promise.allSettled(pendingBodies);
    expect(planeBodies.length).toBeGreaterThan(20);
    const responses = planeBodies.join("\n");
    for (const secret of secrets) {
      expect(gitAuthHtml, "Git Authentications page").not.toContain(secret);
      expect(environmentsHtml, "Environments page").not.toContain(secret);
      expect(runnerLog, "runner log").not.toContain(secret);
      expect(responses, "the plane's responses to the browser").not.toContain(secret);
      for (const { file, text } of filesUnder(dataDir)) expect(text, file).not.toContain(secret);
    }
  });
});
