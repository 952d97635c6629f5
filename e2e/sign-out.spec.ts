import { expect, signInOverHttp, test } from "./fixtures";
import { SettingsShell } from "./pages/settings-shell";

// Regression: sign-out only cleared this browser's cookie; a copy taken before it kept working
// for the cookie's 7 days.
test("signing out ends the session on the server: a copied cookie and another browser's session stop working", async ({ page, browser, org }) => {
  const { users } = await org(["member"]);
  const user = users[0]!;
  await signInOverHttp(page, user);
  const stolen = await page.context().cookies();

  const otherBrowser = await browser.newContext();
  const otherPage = await otherBrowser.newPage();
  await signInOverHttp(otherPage, user);

  await page.goto("/settings/git-authentications");
  await expect(page.getByRole("heading", { level: 1, name: "Git Authentications" })).toBeVisible();
  await new SettingsShell(page).signOut();

  const attacker = await browser.newContext();
  await attacker.addCookies(stolen);
  const attackerPage = await attacker.newPage();
  await attackerPage.goto("/settings/git-authentications");
  await expect(attackerPage).toHaveURL(/\/login/);

  await otherPage.goto("/settings/git-authentications");
  await expect(otherPage).toHaveURL(/\/login/);

  // Signing in again works, and the new session is not affected by the old cookie.
  await signInOverHttp(page, user);
  await page.goto("/settings/git-authentications");
  await expect(page.getByRole("heading", { level: 1, name: "Git Authentications" })).toBeVisible();
  await attackerPage.goto("/settings/git-authentications");
  await expect(attackerPage).toHaveURL(/\/login/);
  await attacker.close();
  await otherBrowser.close();
});
