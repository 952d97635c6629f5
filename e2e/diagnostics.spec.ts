import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, expectNoSeriousA11yViolations, seedOrg, signInOverHttp, test, type SeededUser } from "./fixtures";
import { exitCode, PLANE_URL, runnerProcess, startSandboxProcess, stopProcess, type Proc, type SandboxProc } from "./diagnostics-world";
import { DiagnosticsPage } from "./pages/diagnostics-page";
import { GitAuthPage } from "./pages/git-auth-page";
import { RunnersPage } from "./pages/runners-page";

const ABORTED = "Failed to create provider - Aborted: operation cancelled";

/**
 * "Failed to create provider - Aborted: operation cancelled", end to end: a real runner validates
 * a PAT against the sandbox, whose GitHub hangs; the PAT form shows the message; Diagnostics finds
 * the failure, says which stage was cancelled and why, and its "Switch to OAuth" button connects
 * the account with OAuth instead. Support sees the same diagnosis, read-only.
 */
test.describe.serial("Diagnostics", () => {
  let sandbox: SandboxProc | null = null;
  let worker: Proc | null = null;
  let dataDir = "";
  let admin: SeededUser;
  let support: SeededUser;
  let host = "";
  let runnerName = "";

  test.beforeAll(async ({ request }) => {
    sandbox = await startSandboxProcess();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "scm-e2e-diag-"));
    const { users } = await seedOrg(request, ["admin", "support"], "E2E Diagnostics");
    [admin, support] = users as [SeededUser, SeededUser];
    host = new URL(sandbox.urls.github.web).host;
  });

  test.afterAll(async () => {
    if (sandbox) await sandbox.admin("DELETE", "/admin/faults").catch(() => undefined);
    await stopProcess(worker);
    await stopProcess(sandbox);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test("a PAT validation that hangs ends in the exact message, is diagnosed, and Switch to OAuth connects", async ({ page }) => {
    test.setTimeout(240_000);
    await signInOverHttp(page, admin);

    // A runner, registered and started for real, offering GitHub (Enterprise Server layout) with OAuth and PATs.
    const runners = new RunnersPage(page);
    await runners.goto();
    const name = `diag-runner-${Date.now().toString(36)}`;
    runnerName = name;
    const { token } = await runners.createRunner(name);
    const register = runnerProcess(["register", "--url", PLANE_URL, "--token", token], dataDir);
    expect(await exitCode(register.child), register.output()).toBe(0);
    worker = runnerProcess(["start"], dataDir);
    await runners.expectStatus(name, "online", 30_000);
    const form = await (await runners.openRunner(name)).addProvider();
    const callbackUrl = await form.callbackUrl();
    const app = await sandbox!.admin<{ clientId: string; clientSecret: string }>("POST", "/admin/oauth-apps", { provider: "github", name: "E2E diagnostics", callbackUrls: [callbackUrl] });
    await form.chooseProvider("GitHub", "GitHub Enterprise Server");
    await form.fillHost(sandbox!.urls.github.web);
    await form.fillOAuthClient(app.clientId, app.clientSecret);
    await form.expectPatEnabled();
    await form.saveAndTest();
    expect(await form.checksWhenDone(40_000), worker.output()).toEqual({ reachable: "passed", api: "passed", oauth_client: "passed" });

    // The admin's own GitHub account and a token for it; then GitHub stops answering "who am I".
    const login = `diag${Date.now().toString(36)}`;
    await sandbox!.admin("POST", "/admin/users", { provider: "github", login });
    const pat = await sandbox!.admin<{ value: string }>("POST", "/admin/tokens", { provider: "github", login, scopes: ["repo", "read:user"] });
    await sandbox!.admin("POST", "/admin/faults", { provider: "github", kind: "hang", path: "/api/v3/user" });

    const gitAuth = new GitAuthPage(page);
    await gitAuth.goto();
    const dialog = await gitAuth.openPatDialog("GitHub", host);
    await dialog.getByTestId("pat-token").fill(pat.value);
    await dialog.getByRole("button", { name: "Connect" }).click();
    const alert = dialog.locator("[role=alert][data-error-code=operation_aborted]");
    await expect(alert).toContainText(ABORTED, { timeout: 60_000 });
    await expect(alert).toContainText("Switch from a personal access token to OAuth");
    await expect(alert.getByRole("link", { name: /Troubleshooting/ })).toHaveAttribute("href", "/docs/troubleshooting#operation_aborted");
    // The remedy where the person sees the error: OAuth is enabled here, so a button for it.
    await expect(dialog.getByTestId("pat-switch-to-oauth").getByRole("button", { name: `Switch to OAuth for ${host}` })).toBeVisible();
    await sandbox!.admin("DELETE", "/admin/faults");
    await dialog.getByRole("button", { name: "Cancel" }).click();

    // Diagnostics: search by the person and the code, then the operation's timeline.
    const diagnostics = new DiagnosticsPage(page);
    await diagnostics.goto();
    await diagnostics.search({ email: admin.email, code: "operation_aborted" });
    await expect(diagnostics.chart()).toBeVisible();
    const failed = diagnostics.eventRows({ operation: "pat.validate", code: "operation_aborted", stage: "request" });
    await expect(failed).toHaveCount(1);
    await expectNoSeriousA11yViolations(page);
    await diagnostics.openTimeline(failed);
    const diagnosis = diagnostics.diagnosis();
    await expect(diagnosis).toHaveAttribute("data-error-code", "operation_aborted");
    await expect(diagnosis.getByRole("heading", { name: `Diagnosis: ${ABORTED}` })).toBeVisible();
    await expect(diagnosis.getByTestId("diagnosis-stage")).toHaveText("Validating the token at the provider");
    await expect(diagnosis.getByTestId("diagnosis-cause")).toHaveText("Deadline: the provider did not answer in time");
    await expect(diagnosis).toContainText("Switch from a personal access token to OAuth for this provider.");
    await expect(diagnostics.timeline().locator("li[data-stage=queued]").first()).toBeVisible();
    await expect(diagnostics.timeline().locator("li[data-stage=validating][data-outcome=started]").first()).toBeVisible();
    expect(await page.content()).not.toContain(pat.value);
    await expectNoSeriousA11yViolations(page);

    // The remedy as a button: OAuth at the sandbox (auto-approved), back to Git Authentications, connected.
    await diagnostics.switchToOAuth().getByRole("button", { name: `Switch to OAuth for ${host}` }).click();
    await expect(page).toHaveURL(/\/settings\/git-authentications/, { timeout: 30_000 });
    await expect(gitAuth.status()).toHaveAttribute("data-state", "connected", { timeout: 30_000 });
    await expect(gitAuth.status()).toContainText(`Connected to ${host}`);
    await expect(gitAuth.row("GitHub", host)).toContainText(login);
  });

  test("support finds the same failure, read-only: what the person should click, no button, no admin pages", async ({ page }) => {
    await signInOverHttp(page, support);
    const diagnostics = new DiagnosticsPage(page);
    await diagnostics.goto({ email: admin.email, code: "operation_aborted", failures: "1" });
    const failed = diagnostics.eventRows({ operation: "pat.validate", code: "operation_aborted", stage: "request" });
    await expect(failed).toHaveCount(1);
    // The runner fields suggest the organization's runner names from one list; the search takes the name.
    await expect(diagnostics.runnerSuggestions(runnerName)).toHaveCount(1);
    await diagnostics.search({ runner: runnerName.toUpperCase() });
    await expect(page).toHaveURL(new RegExp(`runner=${runnerName.toUpperCase()}`));
    await expect(failed).toHaveCount(1);
    await diagnostics.search({ runner: "no-such-runner" });
    await expect(page.getByRole("heading", { name: "No source-control operations match" })).toBeVisible();
    await diagnostics.goto({ email: admin.email, code: "operation_aborted", failures: "1" });
    await expect(page.getByRole("button", { name: /Switch to OAuth/ })).toHaveCount(0);
    await diagnostics.openTimeline(failed);
    await expect(diagnostics.diagnosis()).toHaveAttribute("data-cause", "provider_timeout");
    await expect(diagnostics.switchToOAuth()).toContainText(`Ask ${admin.email} to open Settings > Git Authentications and choose Connect with OAuth for ${host}`);
    await expect(diagnostics.switchToOAuth().getByRole("button")).toHaveCount(0);
    await expectNoSeriousA11yViolations(page);
    for (const url of ["/settings/runners", "/settings/git-authentications", "/settings/members"]) {
      expect((await page.goto(url))?.status(), url).toBe(403);
    }
    const troubleshooting = await page.goto("/docs/troubleshooting#operation_aborted");
    expect(troubleshooting?.status()).toBe(200);
    await expect(page.locator("section#operation_aborted")).toContainText(ABORTED);
  });
});
