import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect, expectNoSeriousA11yViolations, seedOrg, signInOverHttp, test, type SeededUser } from "./fixtures";
import { exitCode, PLANE_URL, runnerProcess, startSandboxProcess, stopProcess, type Proc, type SandboxProc } from "./diagnostics-world";
import { EnvironmentPage } from "./pages/environment-page";
import { EnvironmentsPage } from "./pages/environments-page";
import { GitAuthPage } from "./pages/git-auth-page";
import { RunnersPage } from "./pages/runners-page";

const run = promisify(execFile);

type OAuthApp = { clientId: string; clientSecret: string };
type Repo = { cloneUrl: string; headSha: string; path: string };

/** A command in an environment, as the environment itself, through the runner's exec command (as root here: the environment's own OS user). */
async function execIn(dataDir: string, environmentId: string, command: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" };
  try {
    const { stdout, stderr } = await run("node", ["--import", "tsx", "runner/cli.ts", "exec", "--data-dir", dataDir, "--environment", environmentId, "--", ...command], { env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const failed = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === "number" ? failed.code : 1, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
  }
}

/** Whether a Unix user exists on this host. */
async function osUserExists(name: string): Promise<boolean> {
  return run("getent", ["passwd", name]).then(
    () => true,
    () => false,
  );
}

/**
 * Issue 11's environment lifecycle end to end, with a real runner process (as root: an OS user per
 * environment) and the provider sandbox: a member's environment has a page with everything needed
 * to reach it; after the member disconnects it shows "Needs reconnect" and git in it is refused;
 * reconnecting from the page restores git without recreating it; deleting removes the clone and
 * the OS user from the runner's disk.
 */
test.describe.serial("Environment page, reconnect and delete with a real runner", () => {
  let sandbox: SandboxProc;
  let worker: Proc | null = null;
  let dataDir = "";
  let admin: SeededUser;
  let member: SeededUser;
  let runnerName = "";
  let githubHost = "";
  const suffix = Date.now().toString(36);
  const githubLogin = `envo${suffix}`;
  let app: OAuthApp;
  let repo: Repo;
  let environmentId = "";
  let clonePath = "";
  let osUser = "";

  test.beforeAll(async ({ request }) => {
    sandbox = await startSandboxProcess();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "scm-e2e-lifecycle-"));
    const { users } = await seedOrg(request, ["admin", "member"], "E2E Environment lifecycle");
    [admin, member] = users as [SeededUser, SeededUser];
    githubHost = new URL(sandbox.urls.github.web).host;
    await sandbox.admin("POST", "/admin/users", { provider: "github", login: githubLogin });
    await sandbox.admin("PUT", "/admin/sign-in", { provider: "github", login: githubLogin });
    repo = await sandbox.admin<Repo>("POST", "/admin/repos", { provider: "github", path: `${githubLogin}/service`, files: { "README.md": "# service\n" } });
  });

  test.afterAll(async () => {
    await stopProcess(worker);
    await stopProcess(sandbox);
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test("an admin runs a runner as root and offers GitHub on it; Settings > Runners shows it isolated", async ({ page }) => {
    test.setTimeout(150_000);
    await signInOverHttp(page, admin);
    const runners = new RunnersPage(page);
    await runners.goto();
    runnerName = `lifecycle-runner-${suffix}`;
    const { token } = await runners.createRunner(runnerName);
    const register = runnerProcess(["register", "--url", PLANE_URL, "--token", token], dataDir);
    expect(await exitCode(register.child), register.output()).toBe(0);
    worker = runnerProcess(["start"], dataDir);
    await runners.expectStatus(runnerName, "online", 30_000);

    const detail = await runners.openRunner(runnerName);
    const form = await detail.addProvider();
    app = await sandbox.admin<OAuthApp>("POST", "/admin/oauth-apps", { provider: "github", name: "E2E lifecycle", callbackUrls: [await form.callbackUrl()] });
    await form.chooseProvider("GitHub", "GitHub Enterprise Server");
    await form.fillHost(sandbox.urls.github.web);
    await form.fillOAuthClient(app.clientId, app.clientSecret);
    await form.saveAndTest();
    expect(await form.checksWhenDone(40_000), worker.output()).toEqual({ reachable: "passed", api: "passed", oauth_client: "passed" });

    // The runner said how it isolates when it connected: as root, an OS user per environment.
    const isolated = process.getuid?.() === 0;
    await runners.goto();
    const row = await runners.show(runnerName);
    await expect(row.locator("[data-isolation]")).toHaveAttribute("data-isolation", isolated ? "os_user" : "none");
    await runners.openRunner(runnerName);
    await expect(page.getByText(isolated ? "Isolated: an OS user per environment" : "Not isolated: environments on this runner can read each other's credentials")).toBeVisible();
    // Shared use is for runners that cannot isolate.
    await expect(page.getByTestId("shared-use")).toHaveCount(isolated ? 0 : 1);
  });

  test("the member's environment page: id, repository, branch, runner and isolation, OS user, clone path, how to reach it; git works through exec", async ({ page }) => {
    test.setTimeout(180_000);
    await signInOverHttp(page, member);
    const gitAuth = new GitAuthPage(page);
    await gitAuth.goto();
    await gitAuth.connectWithOAuth("GitHub", githubHost);
    await expect(gitAuth.status()).toHaveAttribute("data-state", "connected", { timeout: 30_000 });

    const environments = new EnvironmentsPage(page);
    await environments.goto();
    await environments.create(repo.cloneUrl);
    const listed = repo.cloneUrl.replace(/\.git$/, "");
    const row = environments.row(listed);
    await expect(row).toHaveAttribute("data-status", "ready", { timeout: 90_000 });
    environmentId = await environments.environmentId(listed);
    await row.getByRole("link", { name: /service/ }).click();

    const envPage = new EnvironmentPage(page);
    await expect(page).toHaveURL(new RegExp(`/environments/${environmentId}$`));
    await expect(page.getByRole("heading", { level: 1, name: "service" })).toBeVisible();
    await expect(envPage.state()).toHaveAttribute("data-status", "ready");
    await expect(envPage.state()).toContainText("Ready");
    await expect(envPage.detail("Environment id")).toContainText(environmentId);
    await expect(envPage.detail("Repository").getByRole("link")).toHaveAttribute("href", listed);
    await expect(envPage.detail("Branch")).toHaveText("main");
    await expect(envPage.detail("Runner")).toContainText(runnerName);
    const isolated = process.getuid?.() === 0;
    await expect(envPage.detail("Runner")).toContainText(isolated ? "Isolated: an OS user per environment" : "Not isolated: environments on this runner can read each other's credentials");
    clonePath = ((await page.getByTestId("environment-clone-path").textContent()) ?? "").trim();
    expect([path.join(dataDir, "environments", environmentId), path.join(fs.realpathSync(dataDir), "environments", environmentId)]).toContain(clonePath);
    expect(fs.existsSync(path.join(clonePath, "README.md"))).toBe(true);
    if (isolated) {
      osUser = ((await page.getByTestId("environment-os-user").textContent()) ?? "").trim();
      expect(await osUserExists(osUser), `OS user ${osUser}`).toBe(true);
    }
    const dataDirShown = path.dirname(path.dirname(clonePath));
    await expect(envPage.command("Git as the environment")).toHaveText(`scm-runner exec --data-dir ${dataDirShown} --environment ${environmentId} -- git status`);
    await expect(envPage.command("Agent tools endpoint")).toHaveText(`scm-runner agent-tools endpoint --environment ${environmentId} --data-dir ${dataDirShown}`);
    await expect(envPage.history()).toContainText("Clone");
    await expectNoSeriousA11yViolations(page);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: "/tmp/environment-page-1280.png", fullPage: true });

    // git in the environment, as the environment, through the runner's credential helper.
    const fetched = await execIn(dataDir, environmentId, ["git", "fetch", "origin"]);
    expect(fetched.code, `${fetched.stderr}\n${worker!.output()}`).toBe(0);
    await page.reload();
    await expect(envPage.gitOperations().locator("tr[data-git-outcome=served]").first()).toContainText("Credential served");

    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await expect(envPage.state()).toBeVisible();
    await envPage.expectNoHorizontalOverflow();
    await page.screenshot({ path: "/tmp/environment-page-390.png", fullPage: true });
  });

  test("after the member disconnects, the page and the list say Needs reconnect and git is refused; reconnecting from the page restores git without recreating it", async ({ page }) => {
    test.setTimeout(150_000);
    await signInOverHttp(page, member);
    const gitAuth = new GitAuthPage(page);
    await gitAuth.goto();
    const dialog = await gitAuth.disconnect("GitHub", githubHost);
    await dialog.getByRole("button", { name: "Disconnect" }).click();
    await expect(gitAuth.connectionState("GitHub", githubHost)).toHaveAttribute("data-connection-state", "not_connected", { timeout: 30_000 });

    const environments = new EnvironmentsPage(page);
    await environments.goto();
    const row = environments.row(repo.cloneUrl.replace(/\.git$/, ""));
    await expect(row).toHaveAttribute("data-status", "needs_reconnect");
    await expect(row).toContainText("Needs reconnect");

    const refused = await execIn(dataDir, environmentId, ["git", "fetch", "origin"]);
    expect(refused.code).not.toBe(0);

    await row.getByRole("link", { name: /Reconnect/ }).click();
    const envPage = new EnvironmentPage(page);
    await expect(page).toHaveURL(new RegExp(`/environments/${environmentId}$`));
    await expect(envPage.state()).toHaveAttribute("data-status", "needs_reconnect");
    await expect(envPage.state()).toContainText("Your connection to this provider no longer works");
    await expect(envPage.gitOperations().locator("tr[data-error-code=credential_needs_reauth]").first()).toBeVisible();
    const prompt = envPage.reconnectPrompt();
    await expect(prompt.getByRole("heading", { name: `Reconnect your GitHub account for ${githubHost}` })).toBeFocused();
    await expectNoSeriousA11yViolations(page);
    await page.screenshot({ path: "/tmp/environment-page-reconnect.png", fullPage: true });

    // OAuth from the page comes back to the page (the sandbox approves at once), which shows Ready again.
    await prompt.getByRole("button", { name: "Connect with GitHub (OAuth)" }).click();
    await expect(page).toHaveURL(new RegExp(`/environments/${environmentId}`), { timeout: 30_000 });
    await expect(page.getByTestId("oauth-return-status")).toHaveAttribute("data-state", "connected", { timeout: 30_000 });
    await expect(envPage.state()).toHaveAttribute("data-status", "ready", { timeout: 15_000 });
    await expect(envPage.reconnectPrompt()).toHaveCount(0);
    await expect(page).toHaveURL(new RegExp(`/environments/${environmentId}$`));

    const fetched = await execIn(dataDir, environmentId, ["git", "fetch", "origin"]);
    expect(fetched.code, `${fetched.stderr}\n${worker!.output()}`).toBe(0);
    await environments.goto();
    await expect(environments.list().getByRole("row")).toHaveCount(2);
  });

  test("delete: the dialog says what happens; the page shows Deleting…, then the list no longer has it and the clone and OS user are gone from the runner", async ({ page }) => {
    test.setTimeout(120_000);
    await signInOverHttp(page, member);
    const envPage = new EnvironmentPage(page);
    await envPage.goto(environmentId, "service");

    // Cancel keeps everything and gives focus back to the button.
    let dialog = await envPage.openDelete();
    await expect(dialog).toContainText("The clone on the runner is removed");
    await expect(dialog).toContainText("Git and the agent tools in it stop working at once.");
    await expect(dialog).toContainText("The environment's OS user on the runner is removed.");
    await expect(dialog).toContainText("Nothing changes at the provider");
    await expect(dialog).toContainText(`Your Git connection for ${githubHost} stays connected.`);
    await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
    await expectNoSeriousA11yViolations(page);
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    await expect(envPage.deleteButton()).toBeFocused();

    // The runner is stopped for a moment, so "Deleting…" stays on screen until it comes back and catches up.
    await stopProcess(worker);
    dialog = await envPage.openDelete();
    await dialog.getByRole("button", { name: "Delete environment" }).click();
    await expect(envPage.state()).toHaveAttribute("data-status", "deleting");
    await expect(envPage.state().getByRole("status")).toHaveText("Deleting…");
    await expect(page.getByRole("heading", { name: /^Status/ })).toBeFocused();
    await expect(envPage.deleteButton()).toHaveCount(0);
    // Git is refused from the moment of the delete, before the runner has done anything.
    const refused = await execIn(dataDir, environmentId, ["git", "fetch", "origin"]);
    expect(refused.code).not.toBe(0);
    await page.reload();
    await expect(envPage.state()).toHaveAttribute("data-status", "deleting");
    await expectNoSeriousA11yViolations(page);
    worker = runnerProcess(["start"], dataDir);
    await expect(page).toHaveURL(/\/environments$/, { timeout: 45_000 });
    const environments = new EnvironmentsPage(page);
    await expect(page.getByRole("heading", { name: "No environments yet" })).toBeVisible();
    await expect(environments.list()).toHaveCount(0);

    expect(fs.existsSync(clonePath), clonePath).toBe(false);
    if (osUser) expect(await osUserExists(osUser), `OS user ${osUser}`).toBe(false);
    // The page of a deleted environment is gone too; the member's Git connection is not.
    await page.goto(`/environments/${environmentId}`);
    await expect(page.getByRole("heading", { level: 1, name: "Environment not found" })).toBeVisible();
    const gitAuth = new GitAuthPage(page);
    await gitAuth.goto();
    await expect(gitAuth.connectionState("GitHub", githubHost)).toHaveAttribute("data-connection-state", "connected");
  });
});
