import type { Page, Request } from "@playwright/test";
import { expect, signInOverHttp, test } from "./fixtures";
import { MembersPage } from "./pages/members-page";

// Regression: the sign-in, setup and invitation forms had no method, so a submission before the
// page's JavaScript ran (slow network, JavaScript off) sent GET /login?email=…&password=….
test.use({ javaScriptEnabled: false });

/** Every URL the page requested (navigations, redirects and subresources). */
function recordUrls(page: Page): string[] {
  const urls: string[] = [];
  page.on("request", (r: Request) => urls.push(r.url()));
  return urls;
}

function expectNoneContains(urls: string[], secrets: string[]) {
  for (const secret of secrets) {
    const forms = [secret, encodeURIComponent(secret), new URLSearchParams({ x: secret }).toString().slice(2)];
    expect(urls.filter((u) => forms.some((f) => u.includes(f))), `a URL carried ${secret}`).toEqual([]);
  }
}

test("signing in before JavaScript runs posts the form, signs in, and puts no credential in a URL", async ({ page, org }) => {
  const { users } = await org(["member"]);
  const user = users[0]!;
  const urls = recordUrls(page);

  await page.goto("/login");
  await expect(page.locator("form").first()).toHaveAttribute("method", /post/i);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill("a wrong passphrase here");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("[role=alert][data-error-code]")).toContainText("Sign-in failed");

  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/settings/);
  expectNoneContains(urls, [user.email, user.password, "a wrong passphrase here"]);
});

test("accepting an invitation before JavaScript runs puts no password in a URL", async ({ page, browser, org }) => {
  const { users } = await org(["admin"]);
  const adminContext = await browser.newContext({ javaScriptEnabled: true });
  const adminPage = await adminContext.newPage();
  await signInOverHttp(adminPage, users[0]!);
  const members = new MembersPage(adminPage);
  await members.goto();
  const inviteUrl = await members.addMember({ email: `nojs-${Date.now()}@example.test`, name: "Nora NoScript", role: "member" });
  await adminContext.close();

  const urls = recordUrls(page);
  await page.goto(inviteUrl);
  await expect(page.locator("form").first()).toHaveAttribute("method", /post/i);
  const password = "no script passphrase 1";
  await page.getByLabel("Choose a password").fill(password);
  await page.getByRole("button", { name: "Join organization" }).click();
  await expect(page).toHaveURL(/\/settings/);
  expectNoneContains(urls, [password]);
});

test("the change-password form posts to its server action and cannot be submitted before JavaScript runs", async ({ page, org }) => {
  const { users } = await org(["member"]);
  await signInOverHttp(page, users[0]!);
  await page.goto("/settings/account");
  // Settings pages stream behind their loading state, so without JavaScript the form is in the HTML
  // but never shown: what matters is that it could only ever POST, and only once hydrated.
  const form = page.locator("form:has(input[name=newPassword])");
  await expect(form).toHaveCount(1);
  await expect(form).toHaveAttribute("method", /post/i);
  await expect(form.locator("button[type=submit]")).toBeDisabled();
});

test("the password reset form posts and waits for JavaScript: Enter before it runs sends nothing", async ({ page, browser, org }) => {
  const { users } = await org(["admin", "member"]);
  const adminContext = await browser.newContext({ javaScriptEnabled: true });
  const adminPage = await adminContext.newPage();
  await signInOverHttp(adminPage, users[0]!);
  const members = new MembersPage(adminPage);
  await members.goto();
  await members.row(users[1]!.email).getByRole("button", { name: `Password reset link for ${users[1]!.email}` }).click();
  const link = adminPage.getByLabel("Password reset link", { exact: true });
  await expect(link).toHaveValue(/\/reset-password\//);
  const resetUrl = await link.inputValue();
  await adminContext.close();

  const urls = recordUrls(page);
  await page.goto(resetUrl);
  const form = page.locator("form").first();
  await expect(form).toHaveAttribute("method", /post/i);
  await expect(page.getByRole("button", { name: "Set password and sign in" })).toBeDisabled();
  const typed = "no script reset passphrase";
  await page.getByLabel("New password").fill(typed);
  await page.getByLabel("New password").press("Enter");
  await expect(page.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
  expectNoneContains(urls, [typed]);
});
