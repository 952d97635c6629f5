import type { Page } from "@playwright/test";
import { expect, signInOverHttp, test } from "./fixtures";
import { seedGitAuth } from "./git-auth-fixtures";
import { MembersPage } from "./pages/members-page";
import { IntegrationFormPage, RunnersPage } from "./pages/runners-page";

async function pageWidth(page: Page) {
  return page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
}

test("the app has an icon: /favicon.ico and the page's icon link both answer", async ({ page, request }) => {
  const ico = await request.get("/favicon.ico");
  expect(ico.status()).toBe(200);
  expect(ico.headers()["content-type"]).toMatch(/image\//);
  await page.goto("/login");
  const href = await page.locator('link[rel="icon"]').first().getAttribute("href");
  expect(href).toBeTruthy();
  expect((await request.get(href!)).status()).toBe(200);
});

test("the sidebar keeps one width and stays in view; at 390 px it is a compact bar and the runners table fits", async ({ page, org }) => {
  const { users } = await org(["admin"]);
  await signInOverHttp(page, users[0]!);
  await page.setViewportSize({ width: 1280, height: 800 });
  const runners = new RunnersPage(page);
  await runners.goto();
  await runners.createRunner(`narrow-${Date.now()}`);
  const sidebar = page.locator("aside");
  const widths: number[] = [];
  for (const path of ["/settings/runners", "/settings/members", "/settings/diagnostics", "/settings/agents"]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    widths.push(Math.round((await sidebar.boundingBox())!.width));
    const { scroll, client } = await pageWidth(page);
    expect(scroll, `${path} wider than 1280 px`).toBeLessThanOrEqual(client);
  }
  expect(new Set(widths).size, `sidebar widths ${widths.join(", ")}`).toBe(1);

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/settings/runners");
  // The page's own heading is on the first screen, below a compact navigation bar.
  const heading = page.getByRole("heading", { level: 1, name: "Runners" });
  await expect(heading).toBeInViewport();
  expect((await sidebar.boundingBox())!.height).toBeLessThan(844 / 2);
  const table = page.getByRole("table", { name: "Runners of the organization" });
  await table.scrollIntoViewIfNeeded();
  const tableBox = (await table.boundingBox())!;
  expect(tableBox.width, "runners table width at 390 px").toBeLessThanOrEqual(390);
  await expect(table.locator("tbody tr").first()).toContainText("0 integrations · 0 connected users");
  const { scroll, client } = await pageWidth(page);
  expect(scroll).toBeLessThanOrEqual(client);
});

test("count phrases agree with their number; host_taken links to the existing integration", async ({ page, org, baseURL }) => {
  const { orgId, users } = await org(["admin"]);
  const { seeded } = await seedGitAuth(page.request, baseURL!, {
    orgId,
    adminUserId: users[0]!.userId,
    integrations: [{ provider: "github", host: "ghe.example.com", baseUrl: "https://ghe.example.com", oauth: false, pat: true }],
  });
  await signInOverHttp(page, users[0]!);
  const existing = `/settings/runners/${seeded.runnerId}/integrations/${seeded.integrationIds[0]}`;
  await page.goto(existing);
  await expect(page.getByText("No one is connected yet.")).toBeVisible();
  await expect(page.getByText(/0 users are connected/)).toHaveCount(0);

  await page.goto(`/settings/runners/${seeded.runnerId}/integrations/new`);
  const form = new IntegrationFormPage(page);
  await form.chooseProvider("GitHub", "GitHub Enterprise Server");
  await form.fillHost("ghe.example.com");
  const oauth = page.getByRole("switch", { name: "OAuth" });
  if ((await oauth.getAttribute("aria-checked")) === "true") await oauth.click();
  await form.saveAndTest();
  await expect(page.locator('[data-error-code="host_taken"]')).toBeVisible();
  await page.getByRole("link", { name: "Edit the existing integration" }).click();
  await expect(page).toHaveURL(new RegExp(`${existing}$`));
});

test("the invitation page names the organization; a used or unknown link offers sign-in", async ({ page, browser, org }) => {
  const { users } = await org(["admin"]);
  await signInOverHttp(page, users[0]!);
  const members = new MembersPage(page);
  await members.goto();
  const section = page.getByRole("region", { name: "Add a member" });
  await section.getByLabel("Email").fill(`invitee-${Date.now()}@example.test`);
  await section.getByLabel("Name").fill("Invitee");
  await section.getByRole("button", { name: /Add/ }).click();
  const link = await page.getByLabel("Invitation link", { exact: true }).inputValue();
  const orgName = (await page.locator("aside p").first().textContent())!.trim();

  const guest = await browser.newContext();
  const invitee = await guest.newPage();
  await invitee.goto(link);
  await expect(invitee.getByText(`You were invited to ${orgName} as`)).toBeVisible();
  await invitee.goto("/invite/not-a-real-token");
  await expect(invitee.locator("[data-error-code]")).toHaveAttribute("data-error-code", "invitation_invalid");
  await invitee.getByRole("link", { name: "Sign in" }).click();
  await expect(invitee).toHaveURL(/\/login/);
  await guest.close();
});
