import type { Request } from "@playwright/test";
import { expect, signInOverHttp, test } from "./fixtures";
import { seedGitAuth } from "./git-auth-fixtures";
import { IntegrationFormPage } from "./pages/runners-page";

// Regression: submitted before its script ran (slow network), the integration form, which seals
// the client secret in the browser, sent the secret in a GET URL.
test("until the page has hydrated the integration form cannot be submitted, so the client secret never leaves the page", async ({ page, baseURL, org }) => {
  const { orgId, users } = await org(["admin"]);
  const { seeded } = await seedGitAuth(page.request, baseURL!, { orgId, adminUserId: users[0]!.userId, integrations: [] });
  await signInOverHttp(page, users[0]!);
  const urls: string[] = [];
  page.on("request", (r: Request) => urls.push(r.url()));

  // The page's own scripts never arrive (a slow or failing network): the server's HTML is there
  // and its inline streaming scripts run, React never hydrates.
  await page.route("**/_next/static/chunks/**", (route) => route.abort());

  // With its id already chosen: the page answers with the form itself, not a redirect to choose one.
  const formUrl = `/settings/runners/${seeded.runnerId}/integrations/new`;
  await page.goto(`${formUrl}?id=${crypto.randomUUID()}`, { waitUntil: "commit" });
  const saveAndTest = page.getByRole("button", { name: "Save & Test" });
  await expect(saveAndTest).toBeDisabled();
  await expect(page.getByRole("button", { name: "Save without testing" })).toBeDisabled();
  const secret = `early-secret-${Date.now()}`;
  const secretField = page.getByLabel("Client secret", { exact: true });
  await secretField.fill(secret);
  await secretField.press("Enter");
  await page.getByRole("button", { name: "Save without testing" }).click({ force: true });
  await page.waitForLoadState("networkidle");
  expect(new URL(page.url()).pathname).toBe(formUrl);
  expect(urls.filter((u) => u.includes(secret))).toEqual([]);
});

test("the host field says when a name is stored in its ASCII form, and private addresses need the integration's consent", async ({ page, baseURL, org }) => {
  const { orgId, users } = await org(["admin"]);
  const { seeded } = await seedGitAuth(page.request, baseURL!, { orgId, adminUserId: users[0]!.userId, integrations: [] });
  await signInOverHttp(page, users[0]!);
  await page.goto(`/settings/runners/${seeded.runnerId}/integrations/new`);
  const form = new IntegrationFormPage(page);
  await expect(page.getByRole("button", { name: "Save & Test" })).toBeEnabled();
  await form.chooseProvider("GitLab", "GitLab self-managed");
  const oauth = page.getByRole("switch", { name: "OAuth" });
  if ((await oauth.getAttribute("aria-checked")) === "true") await oauth.click();

  await form.fillHost("gitlab.bücher.example");
  await expect(page.getByText("It will be saved as gitlab.xn--bcher-kva.example, the ASCII form of this name.")).toBeVisible();

  await form.fillHost("10.20.30.40");
  await page.getByRole("button", { name: "Save without testing" }).click();
  const consent = page.getByRole("checkbox", { name: "This host is on a private network" });
  await expect(page.locator("[data-error-code='host_invalid']")).toBeVisible();
  await expect(page.getByText('The host is a private network address: tick "This host is on a private network" to allow it.').first()).toBeVisible();
  await expect(consent).toHaveAttribute("aria-invalid", "true");

  await consent.check();
  await page.getByRole("button", { name: "Save without testing" }).click();
  await expect(page).toHaveURL(/\/integrations\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("checkbox", { name: "This host is on a private network" })).toBeChecked();
});
