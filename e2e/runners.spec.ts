import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, expectNoSeriousA11yViolations, signInOverHttp, test } from "./fixtures";
import { RunnersPage } from "./pages/runners-page";

const PLANE_URL = `http://localhost:${process.env.E2E_PORT ?? "3210"}`;

/**
 * Runs the runner artifact installed in `installDir` as Settings > Runners says (`scm-runner ...`),
 * with plain node from outside the checkout, in its own process group.
 */
function runner(installDir: string, args: string[], dataDir: string): ChildProcess {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "NODE_OPTIONS" && k !== "NODE_PATH" && !k.startsWith("npm_")));
  return spawn(process.execPath, [path.join(installDir, "scm-runner.mjs"), ...args, "--data-dir", dataDir], { cwd: installDir, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...env, NODE_ENV: "production" } });
}

/** Does what the install command does (download the archive this plane serves, unpack it), into `dir` instead of /opt/scm-runner. */
async function install(installCommand: string, dir: string): Promise<void> {
  const url = /curl -fsSL (\S+) \|/.exec(installCommand)?.[1];
  expect(url, installCommand).toBeTruthy();
  const archive = await fetch(url!);
  expect(archive.status).toBe(200);
  fs.mkdirSync(dir, { recursive: true });
  const file = `${dir}.tgz`;
  fs.writeFileSync(file, Buffer.from(await archive.arrayBuffer()));
  const untar = spawnSync("tar", ["-xzf", file, "-C", dir, "--strip-components=1"], { encoding: "utf8" });
  expect(untar.status, untar.stderr).toBe(0);
}

function output(child: ChildProcess): () => string {
  let text = "";
  child.stdout?.on("data", (b: Buffer) => (text += b.toString()));
  child.stderr?.on("data", (b: Buffer) => (text += b.toString()));
  return () => text;
}

type SandboxUrls = { github: { web: string } };

/**
 * The provider sandbox, started through its CLI in a process of its own (Playwright's loader cannot
 * import the sandbox's ES modules); driven through its HTTP admin API.
 */
async function startSandboxProcess(): Promise<{ child: ChildProcess; adminUrl: string; urls: SandboxUrls }> {
  const child = spawn("npm", ["run", "--silent", "sandbox", "--", "--ephemeral", "--auto-approve"], { detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const log = output(child);
  const adminUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sandbox did not start:\n${log()}`)), 30_000);
    child.stdout?.on("data", () => {
      const match = /admin API\s+(\S+)\/admin\/health/.exec(log());
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.on("exit", () => reject(new Error(`sandbox exited:\n${log()}`)));
  });
  const health = (await (await fetch(`${adminUrl}/admin/health`)).json()) as { urls: SandboxUrls };
  return { child, adminUrl, urls: health.urls };
}

async function exitCode(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  return new Promise((resolve) => child.on("exit", (code) => resolve(code)));
}

function stop(child: ChildProcess | null) {
  if (child?.pid && child.exitCode === null) {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
}

test.describe("Settings > Runners", () => {
  let sandbox: Awaited<ReturnType<typeof startSandboxProcess>> | null = null;
  let root: string;
  let dataDir: string;
  let worker: ChildProcess | null = null;

  test.beforeAll(async () => {
    sandbox = await startSandboxProcess();
    root = fs.mkdtempSync(path.join(os.tmpdir(), "scm-e2e-runner-"));
    fs.chmodSync(root, 0o711);
    dataDir = path.join(root, "data");
  });

  test.afterAll(async () => {
    stop(worker);
    if (worker) await exitCode(worker);
    stop(sandbox?.child ?? null);
    if (sandbox) await exitCode(sandbox.child);
    fs.rmSync(root, { recursive: true, force: true });
  });

  test("an admin creates a runner, registers it, configures GitHub with OAuth and PAT, and passes Save & Test", async ({ page, org }) => {
    test.setTimeout(120_000);
    const { users } = await org(["admin"]);
    await signInOverHttp(page, users[0]!);
    const runners = new RunnersPage(page);
    await runners.goto();

    const name = `e2e-runner-${Date.now().toString(36)}`;
    const { token, installCommand, registerCommand, serviceCommand } = await runners.createRunner(name);
    expect(token).toMatch(/^scmr_reg_/);
    const { version } = JSON.parse(fs.readFileSync("package.json", "utf8")) as { version: string };
    expect(installCommand).toContain(`curl -fsSL ${PLANE_URL}/downloads/scm-runner-${version}.tgz | sudo tar -xz -C /opt/scm-runner --strip-components=1`);
    expect(registerCommand).toBe(`sudo scm-runner register --url ${PLANE_URL} --token ${token}`);
    expect(serviceCommand).toContain("sudo systemctl enable --now scm-runner");
    await runners.expectStatus(name, "unregistered", 1_000);

    const installDir = path.join(root, "opt", "scm-runner");
    await install(installCommand, installDir);
    const register = runner(installDir, ["register", "--url", PLANE_URL, "--token", token], dataDir);
    const registerLog = output(register);
    expect(await exitCode(register), registerLog()).toBe(0);
    worker = runner(installDir, ["start"], dataDir);
    const workerLog = output(worker);

    // The list follows the runner's state by itself while it is open.
    await runners.expectStatus(name, "online");
    await expect(runners.row(name)).toContainText(/[0-9a-f]{2}(:[0-9a-f]{2}){7}/);
    // Same version as the plane: no upgrade hint.
    await expect(runners.row(name)).toContainText(version);
    await expect(runners.row(name).getByText(/Upgrade needed|Update available/)).toHaveCount(0);

    // The token was shown once: a fresh visit does not show it again.
    await runners.goto();
    await expect(page.getByTestId("registration-instructions")).toHaveCount(0);

    const detail = await runners.openRunner(name);
    await expect(page.getByTestId("runner-unregistered")).toHaveCount(0);
    const form = await detail.addProvider();
    const callbackUrl = await form.callbackUrl();
    expect(callbackUrl).toMatch(new RegExp(`^${PLANE_URL}/api/scm/oauth/callback/[0-9a-f-]{36}$`));

    const registered = await fetch(`${sandbox!.adminUrl}/admin/oauth-apps`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ provider: "github", name: "E2E", callbackUrls: [callbackUrl] }),
    });
    expect(registered.status).toBe(201);
    const app = (await registered.json()) as { clientId: string; clientSecret: string };
    const host = new URL(sandbox!.urls.github.web).host;
    await form.chooseProvider("GitHub", "GitHub Enterprise Server");
    await form.fillHost(sandbox!.urls.github.web);
    await form.fillOAuthClient(app.clientId, app.clientSecret);
    await form.expectPatEnabled();
    await form.saveAndTest();

    // Saved: the edit page follows the runner's checks.
    await expect(page).toHaveURL(new RegExp(`/integrations/${callbackUrl.split("/").pop()}$`), { timeout: 30_000 });
    await expect(form.progress()).toBeVisible();
    const checks = await form.checksWhenDone();
    expect(checks, workerLog()).toEqual({ reachable: "passed", api: "passed", oauth_client: "passed" });
    await expect(form.progress().getByRole("status")).toHaveText("All checks passed");
    // The secret is write-only from now on.
    await expect(page.getByTestId("secret-stored")).toBeVisible();
    await expect(page.getByLabel("Callback URL")).toHaveValue(callbackUrl);
    expect(await page.content()).not.toContain(app.clientSecret);

    await page.getByRole("link", { name }).click();
    const row = detail.integrationRow(host);
    await expect(row).toContainText("GitHub");
    await expect(row).toContainText("OAuth");
    await expect(row).toContainText("PAT");
    await expect(row).toContainText("Passed");
    await expectNoSeriousA11yViolations(page);
  });

  test("the runner list finds runners by name and says plainly when none matches", async ({ page, org }) => {
    const { users } = await org(["admin"]);
    await signInOverHttp(page, users[0]!);
    const runners = new RunnersPage(page);
    await runners.goto();
    const suffix = Date.now().toString(36);
    await runners.createRunner(`alpha-${suffix}`);
    await runners.createRunner(`beta-${suffix}`);

    await runners.search(`ALPHA-${suffix}`);
    await expect(runners.row(`alpha-${suffix}`)).toBeVisible();
    await expect(runners.row(`beta-${suffix}`)).toHaveCount(0);
    await expect(page.getByRole("heading", { name: /Your runners/ })).toContainText("(1)");
    await expect(page.getByRole("search").getByLabel("Search runners by name")).toHaveValue(`ALPHA-${suffix}`);

    await runners.search(`gamma-${suffix}`);
    await expect(page.getByRole("heading", { name: "No runner matches your search" })).toBeVisible();
    await page.getByRole("link", { name: "Show all runners" }).click();
    await expect(runners.row(`beta-${suffix}`)).toBeVisible();
    await expect(page.getByRole("heading", { name: /Your runners/ })).toContainText("(2)");
  });

  test("members and support are refused the runners pages and their data routes", async ({ page, org }) => {
    const { users } = await org(["admin", "member", "support"]);
    const someId = "5b0c7a3e-3f7e-4c1a-9d8e-2b6f0a1c4d5e";
    for (const user of users.slice(1)) {
      await page.context().clearCookies();
      await signInOverHttp(page, user);
      for (const url of ["/settings/runners", `/settings/runners/${someId}`, `/settings/runners/${someId}/integrations/new`]) {
        const res = await page.goto(url);
        expect(res?.status(), `${user.role} ${url}`).toBe(403);
      }
      for (const url of ["/api/runners/status", `/api/jobs/${someId}`]) {
        const res = await page.request.get(url);
        expect(res.status(), `${user.role} ${url}`).toBe(403);
      }
    }
  });
});
