import fs from "node:fs";
import { expect, expectNoSeriousA11yViolations, signInOverHttp, test } from "./fixtures";
import { AgentsPage } from "./pages/agents-page";
import { AuditLogPage } from "./pages/audit-log-page";
import { RunnersPage } from "./pages/runners-page";
import { SettingsShell } from "./pages/settings-shell";

test("an admin's changes show in the audit log with before and after, filter, and export as CSV; support reads it; a member cannot", async ({ page, org }) => {
  const { users } = await org(["admin", "support", "member"]);
  const [admin, support, member] = users;
  const runnerName = `audited-${Date.now().toString(36)}`;

  await signInOverHttp(page, admin!);
  await new RunnersPage(page).goto();
  await new RunnersPage(page).createRunner(runnerName);
  const agents = new AgentsPage(page);
  await agents.goto();
  await agents.mode("Disabled").check();
  await agents.save();

  await page.goto("/settings");
  await expect(new SettingsShell(page).nav().getByRole("link", { name: "Audit log" })).toBeVisible();
  await new SettingsShell(page).nav().getByRole("link", { name: "Audit log" }).click();
  const audit = new AuditLogPage(page);
  await expect(page.getByRole("heading", { level: 1, name: "Audit log" })).toBeVisible();

  // The policy change: who, what, and the field that changed, opened with the keyboard.
  const policy = audit.rowsFor("agent_policy.updated").first();
  await expect(policy).toContainText("Changed the agent SCM-tools policy");
  await expect(policy).toContainText(admin!.email);
  await expect(policy.getByRole("link", { name: "SCM tools policy" })).toHaveAttribute("href", "/settings/agents");
  const expander = policy.locator("summary");
  await expect(expander).toContainText(/^\d+ changed fields?/);
  await expander.focus();
  await page.keyboard.press("Enter");
  const mode = policy.locator('[data-change-key="mode"]');
  await expect(mode).toBeVisible();
  await expect(mode).toContainText("Before: enabled");
  await expect(mode).toContainText("After: disabled");
  await expectNoSeriousA11yViolations(page);

  // The new runner links to its page.
  const created = audit.rowsFor("runner.created").filter({ hasText: runnerName });
  await expect(created).toHaveCount(1);
  await expect(created.getByRole("link", { name: runnerName })).toHaveAttribute("href", /^\/settings\/runners\/[0-9a-f-]{36}$/);

  // Filters land in the URL and narrow the list.
  await audit.filter({ action: "Created a runner", target: runnerName.toUpperCase() });
  await expect(page).toHaveURL(/action=runner\.created/);
  await expect(audit.rows()).toHaveCount(1);
  await expect(audit.rows().first()).toContainText(runnerName);
  await page.reload();
  await expect(audit.filters().getByLabel("Action")).toHaveValue("runner.created");
  await expect(audit.rows()).toHaveCount(1);

  // The export is the filtered view.
  const [download] = await Promise.all([page.waitForEvent("download"), audit.exportLink().click()]);
  expect(download.suggestedFilename()).toMatch(/^audit-log-\d{4}-\d\d-\d\d\.csv$/);
  const csv = fs.readFileSync((await download.path())!, "utf8").replace(/^\uFEFF/, "");
  const lines = csv.trim().split("\r\n");
  expect(lines[0]).toContain("Time (UTC),Actor,Actor email,Action");
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain(runnerName);
  expect(lines[1]).toContain("Created a runner");

  await audit.goto("?type=spaceship");
  await expect(audit.filters().getByText("Not a target type")).toBeVisible();

  // Support: the same entries, read-only, with no links into pages support cannot open.
  await page.context().clearCookies();
  await signInOverHttp(page, support!);
  await page.goto("/settings/diagnostics");
  await new SettingsShell(page).expectNavItems(["Diagnostics", "Audit log"]);
  await audit.goto();
  await expect(page.getByText("Read-only view for support")).toBeVisible();
  const seen = audit.rowsFor("runner.created").filter({ hasText: runnerName });
  await expect(seen).toHaveCount(1);
  await expect(seen.getByRole("link")).toHaveCount(0);
  await expect(page.getByRole("button", { name: /save|delete|remove/i })).toHaveCount(0);
  expect((await page.request.get("/api/audit-log/export")).status()).toBe(200);

  // A member gets the app's 403 page, no link, and no export.
  await page.context().clearCookies();
  await signInOverHttp(page, member!);
  const res = await page.goto("/settings/audit-log");
  expect(res?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "You don't have access to this page" })).toBeVisible();
  await expect(new SettingsShell(page).nav().getByRole("link", { name: "Audit log" })).toHaveCount(0);
  expect((await page.request.get("/api/audit-log/export")).status()).toBe(403);
});

test("the audit log fits a 390 px screen: the table scrolls in its own box", async ({ page, org }) => {
  const { users } = await org(["admin"]);
  await signInOverHttp(page, users[0]!);
  const runners = new RunnersPage(page);
  await runners.goto();
  await runners.createRunner(`narrow-${"x".repeat(40)}-${Date.now().toString(36)}`);
  await page.setViewportSize({ width: 390, height: 844 });
  const audit = new AuditLogPage(page);
  await audit.goto();
  await expect(audit.rows().first()).toBeVisible();
  await audit.rows().first().locator("summary").click();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
  await expectNoSeriousA11yViolations(page);
});
