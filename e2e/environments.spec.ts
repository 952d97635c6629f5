import { openSealed } from "@/lib/crypto/sealed-box";
import { expect, expectNoSeriousA11yViolations, signInOverHttp, test } from "./fixtures";
import { recordPostBodies, seedGitAuth, serveFakeConsent } from "./git-auth-fixtures";
import { EnvironmentsPage } from "./pages/environments-page";

const CANARY = "ghp_E2EENVCANARY000000000000000000000043";
const github = { provider: "github" as const, host: "github.com", baseUrl: "https://github.com", oauth: true, pat: true };

test("a member reaches Environments from the sidebar; bad repository URLs get clear field errors", async ({ page, org, baseURL }) => {
  const { orgId, users } = await org(["admin", "member"]);
  await seedGitAuth(page.request, baseURL!, { orgId, adminUserId: users[0]!.userId, runnerName: "build-eu-1", integrations: [github] });
  await signInOverHttp(page, users[1]!);
  await page.goto("/settings/git-authentications");
  await page.getByRole("navigation", { name: "Workspace" }).getByRole("link", { name: "Environments" }).click();
  const environments = new EnvironmentsPage(page);
  await expect(page.getByRole("heading", { level: 1, name: "Environments" })).toBeVisible();
  await expect(environments.form().getByLabel("Runner")).toHaveValue(/.+/);
  await expect(page.getByRole("heading", { name: "No environments yet" })).toBeVisible();

  const field = environments.form().getByLabel("Repository URL");
  const cases: Array<[string, string]> = [
    ["", "Enter the repository URL"],
    ["git@github.com:acme/app.git", "This is not a URL"],
    ["https://octocat:ghp_x@github.com/acme/app", "Remove the user name or token from the URL"],
    ["https://github.com/acme", "The URL must name a repository"],
    ["https://codeberg.org/acme/app", "This runner has no integration for codeberg.org."],
  ];
  for (const [url, message] of cases) {
    await environments.create(url);
    await expect(environments.form().getByText(message), url).toBeVisible();
    await expect(field).toHaveAttribute("aria-invalid", "true");
  }
  await expect(page.locator("[role=alert][data-error-code=no_integration_for_host]")).toContainText("ask an admin to configure repository access");
  await page.screenshot({ path: "/tmp/environments-errors.png", fullPage: true });
  await expectNoSeriousA11yViolations(page);
});

test("first environment for a host: the prompt offers the enabled methods; a token connected inline continues the creation, which the list follows to ready", async ({ page, org, baseURL }) => {
  const { orgId, users } = await org(["admin", "member"]);
  const [admin, member] = users;
  const { seeded, runner } = await seedGitAuth(page.request, baseURL!, { orgId, adminUserId: admin!.userId, integrations: [github] });
  await signInOverHttp(page, member!);
  const environments = new EnvironmentsPage(page);
  await environments.goto();
  const bodies = recordPostBodies(page);

  await environments.create("https://github.com/acme/app.git", { branch: "main" });
  const prompt = environments.prompt();
  await expect(prompt.getByRole("heading", { name: "Connect your GitHub account for github.com to continue" })).toBeFocused();
  await expect(prompt.getByRole("button", { name: "Connect with GitHub (OAuth)" })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await page.screenshot({ path: "/tmp/environments-prompt.png", fullPage: true });

  await prompt.getByLabel("Personal access token (classic or fine-grained)").fill(CANARY);
  await prompt.getByRole("button", { name: "Connect and create environment" }).click();
  const validate = await runner.claim("pat.validate");
  // The runner is asked to check the token reaches this repository (SAML SSO, fine-grained access).
  expect(validate.payload.repository).toBe("acme/app");
  const opened = await openSealed(seeded.keys, validate.payload.patSealed as string, { purpose: "pat", runnerId: seeded.runnerId, host: "github.com", userId: member!.userId });
  expect(opened.value).toBe(CANARY);
  await runner.succeed(validate, await runner.credential(validate, { token: opened.value, login: "octocat", scopes: ["repo"] }));

  const clone = await runner.claim("environment.create");
  expect(clone.payload).toMatchObject({ repoPath: "acme/app", branch: "main", ownerId: member!.userId });
  await expect(prompt).toBeHidden();
  const row = environments.row("https://github.com/acme/app");
  await expect(row).toContainText("Creating");
  await runner.progress(clone, "receiving_objects: 40%");
  await expect(row.getByRole("status")).toContainText("Receiving objects 40%");
  await page.screenshot({ path: "/tmp/environments-creating.png", fullPage: true });
  await runner.succeed(clone, { branch: "main", headSha: "b".repeat(40) });
  await expect(row).toContainText("Ready");
  await expect(row).toContainText("Branch main");
  for (const body of bodies) expect(body).not.toContain(CANARY);

  // A clone the runner could not make shows the error's title and what to do.
  await environments.create("https://github.com/acme/private");
  const failing = await runner.claim("environment.create");
  await runner.fail(failing, { code: "repository_not_found", message: "remote: Repository not found." });
  const failed = environments.row("https://github.com/acme/private");
  await expect(failed).toContainText("Failed");
  await expect(failed).toContainText("Repository not found or not accessible");
  await expect(failed).toContainText("Check the URL, and that your account on the provider has access to the repository.");
  await page.screenshot({ path: "/tmp/environments-list.png", fullPage: true });
  await expectNoSeriousA11yViolations(page);
});

test("OAuth from the prompt comes back to Environments and resumes the creation once connected", async ({ page, org, baseURL }) => {
  const { orgId, users } = await org(["admin", "member"]);
  const [admin, member] = users;
  const { runner } = await seedGitAuth(page.request, baseURL!, { orgId, adminUserId: admin!.userId, integrations: [{ ...github, pat: false }] });
  await serveFakeConsent(page, "github.com");
  await signInOverHttp(page, member!);
  const environments = new EnvironmentsPage(page);
  await environments.goto();

  await environments.create("https://github.com/acme/app", { branch: "dev" });
  await expect(environments.prompt().getByLabel(/token/i)).toHaveCount(0);
  await environments.prompt().getByRole("button", { name: "Connect with GitHub (OAuth)" }).click();
  await page.getByRole("link", { name: "Authorize" }).click();
  await expect(page).toHaveURL(/\/environments\?.*connecting=/);
  await expect(environments.form().getByLabel("Repository URL")).toHaveValue("https://github.com/acme/app");
  await expect(page.getByTestId("oauth-return-status")).toContainText("github.com");
  const exchange = await runner.claim("oauth.exchange");
  await runner.succeed(exchange, await runner.credential(exchange, { token: "gho_env", login: "octocat", scopes: ["repo"] }));

  const clone = await runner.claim("environment.create");
  expect(clone.payload).toMatchObject({ repoPath: "acme/app", branch: "dev" });
  await expect(environments.row("https://github.com/acme/app")).toContainText("Creating");
  await expect(page).toHaveURL(/\/environments$/);
  // A reload does not create it a second time.
  await page.reload();
  await expect(environments.list().getByRole("row")).toHaveCount(2);
});
