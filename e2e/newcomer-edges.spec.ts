import { expect, expectNoSeriousA11yViolations, signInOverHttp, test } from "./fixtures";
import { recordPostBodies, seedGitAuth } from "./git-auth-fixtures";
import { EnvironmentsPage } from "./pages/environments-page";
import { GitAuthPage } from "./pages/git-auth-page";
import { IntegrationFormPage } from "./pages/runners-page";

const gitlab = { provider: "gitlab" as const, host: "gitlab.example.com", baseUrl: "https://gitlab.example.com", oauth: false, pat: true };
const github = { provider: "github" as const, host: "github.com", baseUrl: "https://github.com", oauth: true, pat: true };
const WARNING = "Connecting may fail: the last test of this host by an admin failed (host_unreachable). Ask an admin to check Settings > Runners.";

test("members are warned, where they connect and pick a host, that the admin's last test of it failed; the host stays offered", async ({ page, browser, org, baseURL }) => {
  const { orgId, users } = await org(["admin", "member"]);
  const [admin, member] = users;
  const { seeded, runner } = await seedGitAuth(page.request, baseURL!, { orgId, adminUserId: admin!.userId, integrations: [gitlab] });

  // The admin's Save & Test fails: the runner cannot reach the host.
  await signInOverHttp(page, admin!);
  await page.goto(`/settings/runners/${seeded.runnerId}/integrations/${seeded.integrationIds[0]}`);
  const form = new IntegrationFormPage(page);
  await page.getByRole("checkbox", { name: "api" }).check();
  await form.saveAndTest();
  await runner.fail(await runner.claim("integration.test"), { code: "host_unreachable", message: "gitlab.example.com did not answer" });
  await expect(form.progress()).toHaveAttribute("data-test-state", "failed");

  const memberContext = await browser.newContext({ baseURL });
  const memberPage = await memberContext.newPage();
  await signInOverHttp(memberPage, member!);
  const gitAuth = new GitAuthPage(memberPage);
  await gitAuth.goto();
  const row = gitAuth.row("GitLab", "gitlab.example.com");
  await expect(row.getByTestId("host-test-warning")).toHaveText(WARNING);
  await expect(row.getByRole("button", { name: /personal access token/ })).toBeVisible();
  await expectNoSeriousA11yViolations(memberPage);

  // The environment form suggests the host offered (not github.com) and warns once it is typed.
  const envs = new EnvironmentsPage(memberPage);
  await envs.goto();
  const repoUrl = envs.form().getByLabel("Repository URL");
  await expect(repoUrl).toHaveAttribute("placeholder", "https://gitlab.example.com/group/project");
  await expect(envs.form()).toContainText("Hosts offered to you: gitlab.example.com.");
  await expect(memberPage.getByTestId("host-test-warning")).toHaveCount(0);
  await repoUrl.fill("https://gitlab.example.com/group/app");
  await expect(memberPage.getByTestId("host-test-warning")).toContainText("the last test of gitlab.example.com by an admin failed (host_unreachable)");
  await expectNoSeriousA11yViolations(memberPage);
  await memberContext.close();
});

test("a pasted token that cannot be one is refused in the browser, saying what is wrong, before anything is sent", async ({ page, org, baseURL }) => {
  const { orgId, users } = await org(["admin", "member"]);
  const [admin, member] = users;
  await seedGitAuth(page.request, baseURL!, { orgId, adminUserId: admin!.userId, integrations: [gitlab] });
  await signInOverHttp(page, member!);
  const gitAuth = new GitAuthPage(page);
  await gitAuth.goto();
  const bodies = recordPostBodies(page);
  const dialog = await gitAuth.openPatDialog("GitLab", "gitlab.example.com");
  const field = dialog.getByLabel(/access token/i);

  await field.fill("a".repeat(10_000));
  await dialog.getByRole("button", { name: "Connect" }).click();
  const tooLong = "This is 10,000 characters long; no provider issues tokens over 4,096 characters. Copy the token alone, not the text around it.";
  await expect(dialog.getByText(tooLong)).toBeVisible();
  await expect(field).toHaveAttribute("aria-invalid", "true");
  await expect(field).toBeFocused();
  // Said once, next to the field: no box repeating it.
  await expect(dialog.getByRole("alert")).toHaveCount(0);

  await field.fill("glpat-abc def");
  await dialog.getByRole("button", { name: "Connect" }).click();
  await expect(dialog.getByText("The token contains spaces or line breaks. Copy the token alone, without them.")).toBeVisible();

  await field.fill("glpat-abcé");
  await dialog.getByRole("button", { name: "Connect" }).click();
  await expect(dialog.getByText("The token contains “é” (U+00E9) at position 10, which no token has.", { exact: false })).toBeVisible();
  await expect(field).toBeFocused();
  expect(bodies.filter((b) => b.includes("patSealed") || b.includes("sbx1."))).toEqual([]);
});

test("a declined authorization names the host and says nothing was connected", async ({ page, org, baseURL }) => {
  const { orgId, users } = await org(["admin", "member"]);
  const [admin, member] = users;
  const { seeded } = await seedGitAuth(page.request, baseURL!, { orgId, adminUserId: admin!.userId, integrations: [github] });
  await signInOverHttp(page, member!);
  // Where the OAuth callback sends the person after they chose Cancel at the provider.
  await new GitAuthPage(page).goto(`?integration=${seeded.integrationIds[0]}&error=oauth_access_denied`);
  const alert = page.locator("[role=alert][data-error-code=oauth_access_denied]");
  await expect(alert).toContainText("Authorization declined at github.com: you did not grant access, so nothing was connected.");
  await expect(alert).toContainText("Connect again and choose Authorize at the provider.");
});

test("Save without testing says it saved untested, after creating (on the edit page it lands on) and after editing", async ({ page, org, baseURL }) => {
  const { orgId, users } = await org(["admin"]);
  const { seeded } = await seedGitAuth(page.request, baseURL!, { orgId, adminUserId: users[0]!.userId, integrations: [] });
  await signInOverHttp(page, users[0]!);
  await page.goto(`/settings/runners/${seeded.runnerId}/integrations/new`);
  const form = new IntegrationFormPage(page);
  await expect(page.getByRole("button", { name: "Save & Test" })).toBeEnabled();
  await form.chooseProvider("GitLab", "GitLab self-managed");
  const oauth = page.getByRole("switch", { name: "OAuth" });
  if ((await oauth.getAttribute("aria-checked")) === "true") await oauth.click();
  await form.fillHost(`gitlab-${Date.now()}.example.com`);
  await page.getByRole("button", { name: "Save without testing" }).click();

  const status = page.getByTestId("integration-save-status");
  await expect(page).toHaveURL(/\/integrations\/[0-9a-f-]{36}$/);
  await expect(status).toHaveText("Saved. Not tested: run Save & Test to check the runner can reach the host.");
  await expect(status).toHaveAttribute("role", "status");
  await expect(form.progress()).toHaveCount(0);

  // A reload does not repeat it; saving again untested says it again.
  await page.reload();
  await expect(page.getByRole("button", { name: "Save & Test" })).toBeEnabled();
  await expect(status).toHaveText("");
  await page.getByRole("button", { name: "Save without testing" }).click();
  await expect(status).toHaveText("Saved. Not tested: run Save & Test to check the runner can reach the host.");
});

test("every form moves focus to the first invalid field after a refused submit, and says each error once", async ({ page, org, baseURL }) => {
  const { orgId, users } = await org(["admin", "member"]);
  const [admin] = users;
  await seedGitAuth(page.request, baseURL!, { orgId, adminUserId: admin!.userId, integrations: [gitlab] });
  await signInOverHttp(page, admin!);

  // The environment form.
  const envs = new EnvironmentsPage(page);
  await envs.goto();
  await envs.form().getByLabel("Repository URL").fill("not a url");
  await envs.form().getByRole("button", { name: "Create environment" }).click();
  const repoUrl = envs.form().getByLabel("Repository URL");
  await expect(repoUrl).toHaveAttribute("aria-invalid", "true");
  await expect(repoUrl).toBeFocused();
  const message = (await page.locator(`#${(await repoUrl.getAttribute("aria-describedby"))!.split(" ").pop()}`).textContent())!;
  await expect(page.getByText(message, { exact: true })).toHaveCount(1);

  // A member form: Add a member with no email.
  await page.goto("/settings/members");
  const add = page.getByRole("region", { name: "Add a member" });
  await add.getByLabel("Name").fill("Someone");
  await add.getByRole("button", { name: "Add member" }).click();
  await expect(add.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
  await expect(add.getByLabel("Email")).toBeFocused();
  await expect(add.getByRole("alert")).toHaveCount(0);

  // The integration form: a refused save with a field at fault counts it in the box, and focuses the field.
  const { seeded } = await seedGitAuth(page.request, baseURL!, { orgId, adminUserId: admin!.userId, runnerName: "edges-2", integrations: [] });
  await page.goto(`/settings/runners/${seeded.runnerId}/integrations/new`);
  const form = new IntegrationFormPage(page);
  await expect(page.getByRole("button", { name: "Save & Test" })).toBeEnabled();
  await form.chooseProvider("GitLab", "GitLab self-managed");
  const oauth = page.getByRole("switch", { name: "OAuth" });
  if ((await oauth.getAttribute("aria-checked")) === "true") await oauth.click();
  await page.getByRole("button", { name: "Save without testing" }).click();
  const host = page.getByLabel("Host", { exact: true });
  await expect(host).toHaveAttribute("aria-invalid", "true");
  await expect(host).toBeFocused();
  await expect(page.getByTestId("form-error-summary")).toContainText("1 field needs attention: Host.");
  await expectNoSeriousA11yViolations(page);
});
