import { expect, expectNoSeriousA11yViolations, signInOverHttp, test } from "./fixtures";

const adminPages = ["/settings/runners", "/settings/git-authentications", "/settings/agents", "/settings/members", "/settings/diagnostics"];

test("axe finds no serious or critical violation on any settings page", async ({ page, org }) => {
  const { users } = await org(["admin", "member", "support"]);
  const [admin, member, support] = users;
  await signInOverHttp(page, admin!);
  for (const path of adminPages) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expectNoSeriousA11yViolations(page);
  }
  await page.context().clearCookies();
  await signInOverHttp(page, member!);
  await page.goto("/settings/members");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("access");
  await expectNoSeriousA11yViolations(page);
  await page.context().clearCookies();
  await signInOverHttp(page, support!);
  await page.goto("/settings/diagnostics");
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
