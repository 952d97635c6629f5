import type { Page } from "@playwright/test";
import { collectErrors, expect, expectNoHorizontalOverflow, expectNoSeriousA11yViolations, signInOverHttp, test } from "./fixtures";
import { seedGitAuth } from "./git-auth-fixtures";
import { RunnersPage } from "./pages/runners-page";

const adminPages = ["/settings/runners", "/settings/git-authentications", "/settings/agents", "/settings/members", "/settings/diagnostics", "/settings/audit-log", "/settings/account", "/environments", "/docs/troubleshooting"];
const supportPages = ["/settings/diagnostics", "/settings/diagnostics?range=30d&failures=1&code=operation_aborted", "/settings/audit-log", "/docs/troubleshooting#operation_aborted"];

/**
 * One page as people see it: axe clean, no console or page error (a hydration mismatch is both),
 * and no horizontal overflow at 1280 px nor at 390 px.
 */
async function checkPage(page: Page, path: string) {
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(path);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await expectNoHorizontalOverflow(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await expectNoHorizontalOverflow(page);
  expect(errors, `console or page errors on ${path}`).toEqual([]);
}

// One test per page, so a growing list of pages never runs into one test's time limit.
for (const path of adminPages) {
  test(`${path} for an admin: axe clean, no console error, no overflow at 1280 or 390 px`, async ({ page, org }) => {
    const { users } = await org(["admin"]);
    await signInOverHttp(page, users[0]!);
    await checkPage(page, path);
  });
}

for (const path of supportPages) {
  test(`${path} for support: axe clean, no console error, no overflow at 1280 or 390 px`, async ({ page, org }) => {
    const { users } = await org(["support"]);
    await signInOverHttp(page, users[0]!);
    await checkPage(page, path);
  });
}

test("axe finds no serious or critical violation on a member's pages", async ({ page, org }) => {
  const { users } = await org(["member"]);
  await signInOverHttp(page, users[0]!);
  await page.goto("/settings/members");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("access");
  await expectNoSeriousA11yViolations(page);
  // Members get the Agents page too, read-only, and their own account.
  await page.goto("/settings/agents");
  await expect(page.getByRole("heading", { name: "What applies to you" })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await checkPage(page, "/settings/account");
  await checkPage(page, "/environments");
});

test("runner pages: axe clean with the one-time token shown, on a runner and on its Add a Git provider form", async ({ page, org }) => {
  const { users } = await org(["admin"]);
  await signInOverHttp(page, users[0]!);
  const runners = new RunnersPage(page);
  await runners.goto();
  await runners.createRunner("a11y runner");
  await expectNoSeriousA11yViolations(page);
  const detail = await runners.openRunner("a11y runner");
  await expectNoSeriousA11yViolations(page);
  await detail.addProvider();
  await expectNoSeriousA11yViolations(page);
});

test("the members page works with the keyboard alone", async ({ page, org }) => {
  const { users } = await org(["admin"]);
  await signInOverHttp(page, users[0]!);
  await page.goto("/settings/members");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  await page.getByRole("region", { name: "Add a member" }).getByLabel("Email").focus();
  await page.keyboard.type(`kb-${Date.now()}@example.test`);
  await page.keyboard.press("Tab");
  await page.keyboard.type("Keyboard User");
  await page.keyboard.press("Enter");
  await expect(page.getByLabel("Invitation link", { exact: true })).toHaveValue(/\/invite\//);
});

test("Git Authentications and Environments: axe clean with content, and the token dialog works with the keyboard alone", async ({ page, org, baseURL }) => {
  const { orgId, users } = await org(["admin", "member"]);
  const [admin, member] = users;
  await seedGitAuth(page.request, baseURL!, {
    orgId,
    adminUserId: admin!.userId,
    integrations: [
      { provider: "github", host: "github.com", baseUrl: "https://github.com", oauth: true, pat: true },
      { provider: "gitlab", host: "gitlab.example.com", baseUrl: "https://gitlab.example.com", oauth: false, pat: true },
    ],
    tokens: [{ integration: 0, userId: member!.userId, source: "oauth", login: "octocat", scopes: ["repo"], lastUsedSecondsAgo: 60 }],
  });
  await signInOverHttp(page, member!);
  for (const path of ["/settings/git-authentications", "/environments", "/settings/git-authentications?integration=x&error=redirect_uri_mismatch"]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expectNoSeriousA11yViolations(page);
  }
  const opener = page.getByRole("button", { name: "Use a personal access token for gitlab.example.com" });
  await opener.focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Connect gitlab.example.com with a personal access token" });
  await expect(dialog.getByLabel("Personal access token")).toBeFocused();
  await expectNoSeriousA11yViolations(page);
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(opener).toBeFocused();
});
