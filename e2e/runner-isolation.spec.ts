import { expect, expectNoSeriousA11yViolations, signInOverHttp, test } from "./fixtures";
import { seedGitAuth } from "./git-auth-fixtures";
import { EnvironmentsPage } from "./pages/environments-page";
import { RunnersPage } from "./pages/runners-page";

const github = { provider: "github" as const, host: "github.com", baseUrl: "https://github.com", oauth: true, pat: true };

/**
 * A runner that cannot isolate (it reports `none` when it connects) hosts one person's
 * environments: a second person's is refused in the form with the error's remedy, until an admin
 * turns on shared use after a warning that says what is shared; then it is accepted.
 */
test("an unisolated runner: Settings > Runners says so, a second person is refused with the remedy, and shared use (after its warning) lets them in", async ({ page, org, baseURL }) => {
  test.setTimeout(90_000);
  const { orgId, users } = await org(["admin", "member", "member"]);
  const [admin, first, second] = users;
  const runnerName = `laptop-${Date.now().toString(36)}`;
  const { runner } = await seedGitAuth(page.request, baseURL!, {
    orgId,
    adminUserId: admin!.userId,
    runnerName,
    integrations: [github],
    tokens: [first!, second!].map((u) => ({ integration: 0, userId: u.userId, source: "oauth" as const, login: `login-${u.userId.slice(0, 6)}`, scopes: ["repo"] })),
  });
  expect((await runner.call("POST", "/me", { version: "test", isolation: "none" })).status).toBe(200);

  // The first person's environment.
  await signInOverHttp(page, first!);
  const environments = new EnvironmentsPage(page);
  await environments.goto();
  await environments.create("https://github.com/acme/app");
  const clone = await runner.claim("environment.create");
  await runner.succeed(clone, { branch: "main", headSha: "c".repeat(40), clonePath: `/home/dev/.data/runner/environments/${clone.payload.environmentId as string}`, osUser: null });
  await expect(environments.row("https://github.com/acme/app")).toHaveAttribute("data-status", "ready");

  // A second person is refused, with the catalogue's explanation and remedy, on the runner field too.
  await page.context().clearCookies();
  await signInOverHttp(page, second!);
  await environments.goto();
  await environments.create("https://github.com/acme/app");
  const alert = page.locator("[role=alert][data-error-code=runner_not_isolated]");
  await expect(alert).toContainText("This runner is not isolated");
  await expect(alert).toContainText("ask an admin to allow shared use of it in Settings > Runners");
  await expect(environments.form().getByText("This runner is not isolated and already hosts another person's environments.")).toBeVisible();
  await expect(environments.form().getByLabel("Runner")).toHaveAttribute("aria-invalid", "true");
  await expectNoSeriousA11yViolations(page);
  await page.screenshot({ path: "/tmp/environments-not-isolated.png", fullPage: true });

  // The admin sees the runner as not isolated, and turns shared use on after the warning.
  await page.context().clearCookies();
  await signInOverHttp(page, admin!);
  const runners = new RunnersPage(page);
  await runners.goto();
  await expect((await runners.show(runnerName)).locator("[data-isolation]")).toHaveAttribute("data-isolation", "none");
  await runners.openRunner(runnerName);
  await expect(page.getByText("Not isolated: environments on this runner can read each other's credentials")).toBeVisible();
  const toggle = page.getByRole("switch", { name: `Allow several people's environments on ${runnerName}` });
  await expect(toggle).toHaveAttribute("aria-checked", "false");
  await toggle.focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: `Turn on shared use of ${runnerName}?` });
  await expect(dialog).toContainText(
    "Every environment on this runner runs as the same OS user; code in any of them — an agent, a build script — can read the Git credentials of every other person's environments on it.",
  );
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await expectNoSeriousA11yViolations(page);
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(toggle).toBeFocused();
  await expect(toggle).toHaveAttribute("aria-checked", "false");
  await toggle.click();
  await dialog.getByRole("button", { name: "Turn on shared use" }).click();
  await expect(dialog).toBeHidden();
  await expect(toggle).toHaveAttribute("aria-checked", "true");
  await expect(page.getByTestId("shared-use")).toContainText("On: anyone may create environments here.");
  await page.screenshot({ path: "/tmp/runner-shared-use.png", fullPage: true });
  await runners.goto();
  await expect(await runners.show(runnerName)).toContainText("Shared use");

  // Now the second person's environment is accepted.
  await page.context().clearCookies();
  await signInOverHttp(page, second!);
  await environments.goto();
  await environments.create("https://github.com/acme/app");
  await runner.claim("environment.create");
  await expect(environments.row("https://github.com/acme/app")).toHaveAttribute("data-status", "creating");
});
