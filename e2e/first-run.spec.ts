import { expect, expectNoSeriousA11yViolations, test } from "./fixtures";
import { SettingsShell } from "./pages/settings-shell";

test("first run: setup creates the organization and its admin, then is gone", async ({ page, browser }) => {
  // Regression: the setup form had no method, so submitting it before its JavaScript ran put the
  // password in a GET URL. Without JavaScript it posts; bad input creates nothing.
  const noScript = await browser.newContext({ javaScriptEnabled: false });
  const noScriptPage = await noScript.newPage();
  const noScriptUrls: string[] = [];
  noScriptPage.on("request", (r) => noScriptUrls.push(r.url()));
  await noScriptPage.goto("/setup");
  await expect(noScriptPage.locator("form")).toHaveAttribute("method", /post/i);
  await noScriptPage.getByLabel("Organization name").fill("Acme");
  await noScriptPage.getByLabel("Your name").fill("Ada Admin");
  await noScriptPage.getByLabel("Email").fill("not-an-email");
  await noScriptPage.getByLabel("Password").fill("no script setup passphrase");
  await noScriptPage.getByRole("button", { name: "Create organization" }).click();
  await expect(noScriptPage.getByText("Enter a valid email address")).toBeVisible();
  expect(noScriptUrls.filter((u) => u.includes("passphrase") || u.includes("not-an-email"))).toEqual([]);
  await noScript.close();

  await page.goto("/");
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole("heading", { name: "Set up your organization" })).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  // Bad input first: nothing is created, the fields say what is wrong.
  await page.getByLabel("Organization name").fill("Acme");
  await page.getByLabel("Your name").fill("Ada Admin");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create organization" }).click();
  await expect(page.getByText("Enter a valid email address")).toBeVisible();
  await expect(page.getByText("Password must be at least 12 characters")).toBeVisible();
  await expect(page.getByLabel("Organization name")).toHaveValue("Acme");

  await page.getByLabel("Email").fill("ada@acme.example");
  await page.getByLabel("Password").fill("a very good passphrase");
  await page.getByRole("button", { name: "Create organization" }).click();
  await expect(page).toHaveURL(/\/settings\/members$/);
  await expect(page.getByRole("heading", { level: 1, name: "Members" })).toBeVisible();
  await expect(page.locator('tr[data-member-email="ada@acme.example"]')).toContainText("admin");

  // The setup page no longer exists.
  const again = await page.goto("/setup");
  expect(again?.status()).toBe(404);

  // Sign out, then sign in through the form; a wrong password gets a clear error.
  await page.goto("/settings/members");
  await new SettingsShell(page).signOut();
  await page.getByLabel("Email").fill("ada@acme.example");
  await page.getByLabel("Password").fill("the wrong passphrase");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("[role=alert][data-error-code]")).toContainText("Sign-in failed");
  await expect(page).toHaveURL(/\/login/);
  await expectNoSeriousA11yViolations(page);

  await page.getByLabel("Password").fill("a very good passphrase");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/settings/);
  await new SettingsShell(page).expectNavItems(["Runners", "Git Authentications", "Agents", "Members", "Diagnostics", "Audit log"]);
});

test("a second setup attempt posted directly is refused and changes nothing", async ({ page, request }) => {
  // The page is gone (404), and the sign-in page is what the root now leads to.
  const res = await request.get("/setup");
  expect(res.status()).toBe(404);
  await page.goto("/");
  await expect(page).toHaveURL(/\/login/);
});
