import type { Browser, Page } from "@playwright/test";
import { expect, expectNoSeriousA11yViolations, signInOverHttp, test } from "./fixtures";
import { MembersPage } from "./pages/members-page";

/** Signs in through the sign-in form (not over HTTP): what a person does with a new password. */
async function signInWithForm(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function expectNoHorizontalOverflow(page: Page) {
  const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  expect(widths.scroll).toBeLessThanOrEqual(widths.client);
}

async function freshPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  return context.newPage();
}

test("a member changes their name and password: other sessions end, this one stays, and the new password signs in", async ({ page, browser, org }) => {
  const { users } = await org(["member"]);
  const member = users[0]!;
  await signInOverHttp(page, member);
  const elsewhere = await freshPage(browser);
  await signInOverHttp(elsewhere, member);

  await page.goto("/settings");
  await page.getByRole("link", { name: /^Account/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Account" })).toBeVisible();
  // Members have no organization section.
  await expect(page.getByRole("heading", { name: "Organization" })).toHaveCount(0);
  await expectNoSeriousA11yViolations(page);

  const profile = page.getByRole("region", { name: "Profile" });
  await profile.getByLabel("Name").fill("Ada Renamed");
  await profile.getByRole("button", { name: "Save name" }).click();
  await expect(profile.getByRole("status")).toHaveText("Saved. You appear as Ada Renamed.");
  await page.reload();
  await expect(page.locator("aside")).toContainText("Ada Renamed");

  const password = page.getByRole("region", { name: "Password" });
  const newPassword = "my brand new passphrase";
  await password.getByLabel("Current password").fill("not my password at all");
  await password.getByLabel("New password").fill(newPassword);
  await password.getByRole("button", { name: "Change password" }).click();
  await expect(password.getByText("This is not your current password.")).toBeVisible();
  await expect(password.getByLabel("Current password")).toBeFocused();

  // Too short a new password is refused on its own field.
  await password.getByLabel("Current password").fill(member.password);
  await password.getByLabel("New password").fill("short");
  await password.getByRole("button", { name: "Change password" }).click();
  await expect(password.getByLabel("New password")).toBeFocused();
  await expect(password.getByLabel("New password")).toHaveAttribute("aria-invalid", "true");

  await password.getByLabel("Current password").fill(member.password);
  await password.getByLabel("New password").fill(newPassword);
  await password.getByRole("button", { name: "Change password" }).click();
  await expect(page).toHaveURL(/\/settings\/account\?password=changed$/);
  await expect(page.getByText("Password changed. You were signed out everywhere else")).toBeVisible();
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: "Account" })).toBeVisible();

  // The other browser's session ended.
  await elsewhere.goto("/settings/account");
  await expect(elsewhere).toHaveURL(/\/login/);

  // The old password no longer works; the new one does.
  const fresh = await freshPage(browser);
  await signInWithForm(fresh, member.email, member.password);
  await expect(fresh.locator("[role=alert][data-error-code]")).toContainText("Sign-in failed");
  await signInWithForm(fresh, member.email, newPassword);
  await expect(fresh).toHaveURL(/\/settings\/git-authentications/);
  await fresh.context().close();
  await elsewhere.context().close();
});

test("an admin renames the organization from the account page", async ({ page, org }) => {
  const { users } = await org(["admin"]);
  await signInOverHttp(page, users[0]!);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/settings/account");
  await expectNoHorizontalOverflow(page);
  const section = page.getByRole("region", { name: "Organization" });
  await section.getByLabel("Organization name").fill("");
  await section.getByRole("button", { name: "Rename organization" }).click();
  await expect(section.getByLabel("Organization name")).toBeFocused();
  await expect(section.getByText("Enter a name")).toBeVisible();
  await section.getByLabel("Organization name").fill("Renamed Widgets Ltd");
  await section.getByRole("button", { name: "Rename organization" }).click();
  await expect(section.getByRole("status")).toContainText("Renamed to Renamed Widgets Ltd");
  await page.reload();
  await expect(page.locator("aside")).toContainText("Renamed Widgets Ltd");
  await expectNoSeriousA11yViolations(page);
});

test("an admin issues a password reset link; the member sets a password with it once, and the link then says it was used", async ({ page, browser, org }) => {
  const { users } = await org(["admin", "member"]);
  const [admin, member] = users;
  const memberSession = await freshPage(browser);
  await signInOverHttp(memberSession, member!);

  await signInOverHttp(page, admin!);
  const members = new MembersPage(page);
  await members.goto();
  await members.row(member!.email).getByRole("button", { name: `Password reset link for ${member!.email}` }).click();
  const dialog = page.getByRole("dialog", { name: `Password reset link for ${member!.email}` });
  await expect(dialog).toContainText("It works once");
  await expect(dialog.getByRole("button", { name: "Copy link" })).toBeVisible();
  const link = dialog.getByLabel("Password reset link", { exact: true });
  await expect(link).toHaveValue(/\/reset-password\/[A-Za-z0-9_-]{43}$/);
  const resetUrl = await link.inputValue();
  await expectNoSeriousA11yViolations(page);
  await dialog.getByRole("button", { name: "Done" }).click();

  const person = await freshPage(browser);
  await person.goto(resetUrl);
  await expect(person.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
  await expect(person.getByText(member!.email)).toBeVisible();
  await expectNoSeriousA11yViolations(person);
  await person.getByLabel("New password").fill("too short");
  await person.getByRole("button", { name: "Set password and sign in" }).click();
  await expect(person.getByLabel("New password")).toBeFocused();
  const newPassword = "reset passphrase for me";
  await person.getByLabel("New password").fill(newPassword);
  await person.getByRole("button", { name: "Set password and sign in" }).click();
  await expect(person).toHaveURL(/\/settings\/git-authentications/);

  // Every earlier session of the member ended.
  await memberSession.goto("/settings/git-authentications");
  await expect(memberSession).toHaveURL(/\/login/);

  // The new password signs in anywhere; the link is spent.
  await signInWithForm(memberSession, member!.email, newPassword);
  await expect(memberSession).toHaveURL(/\/settings\/git-authentications/);
  const again = await freshPage(browser);
  await again.goto(resetUrl);
  await expect(again.locator("[role=alert][data-error-code]")).toContainText("Password reset link already used");
  await again.getByRole("link", { name: "Go to sign-in" }).click();
  await expect(again).toHaveURL(/\/login/);

  await again.goto("/reset-password/not-a-link-this-server-issued-at-all");
  await expect(again.locator("[role=alert][data-error-code]")).toContainText("Password reset link not recognised");
  for (const p of [person, memberSession, again]) await p.context().close();
});
