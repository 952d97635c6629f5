import { collectErrors, expect, expectNoHorizontalOverflow, expectNoSeriousA11yViolations, signInOverHttp, test } from "./fixtures";
import { DiagnosticsPage } from "./pages/diagnostics-page";

test("support works in Diagnostics: tabs, one row per operation with actor and subject, no hydration error, no overflow", async ({ page, org }) => {
  const { users } = await org(["admin", "member", "support"]);
  const [, member, support] = users;
  const errors = collectErrors(page);
  await signInOverHttp(page, support!);
  await page.setViewportSize({ width: 1280, height: 800 });
  const diagnostics = new DiagnosticsPage(page);
  await diagnostics.goto();

  // Check access has its own tab, at the top of the page; the run fails (no runner offers the host).
  await diagnostics.openTab("Check access");
  await expect(page).toHaveURL(/tab=check-access/);
  const form = page.getByRole("form", { name: "Check access" });
  await form.getByLabel("Member email").fill(member!.email);
  await form.getByLabel("Repository URL").fill("https://github.com/acme/widgets");
  await form.getByRole("button", { name: "Check access" }).click();
  await expect(page.getByTestId("access-check")).toHaveAttribute("data-state", "failed");

  // The trail: with a failure present the chart renders and nothing logs an error.
  await diagnostics.openTab("Trail");
  await expect(diagnostics.chart()).toBeVisible();
  const row = diagnostics.eventRows({ operation: "access.check" });
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute("data-outcome", "failed");
  // Support ran it, for the member.
  await expect(row.getByRole("cell").nth(3)).toHaveText(support!.email);
  await expect(row.getByRole("cell").nth(4)).toHaveText(member!.email);
  await row.getByText(/^\d+ stages?/).click();
  await expect(row.getByTestId("operation-stages").locator("li[data-outcome=failed]")).toHaveCount(1);
  await expectNoHorizontalOverflow(page);
  await expectNoSeriousA11yViolations(page);

  // The sidebar stays in view while the page scrolls.
  await page.mouse.wheel(0, 2000);
  await expect(page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Diagnostics" })).toBeInViewport();

  // A filter lives in the URL: reloading the link shows the same view.
  await diagnostics.search({ email: support!.email, operation: "access.check" });
  await page.reload();
  await expect(diagnostics.events().locator("tbody tr")).toHaveCount(1);
  await expect(page.getByRole("search", { name: "Search the trail" }).getByLabel("Operation")).toHaveValue("access.check");

  await page.setViewportSize({ width: 390, height: 844 });
  for (const tab of ["Trail", "Check access", "Support bundle"] as const) {
    await diagnostics.openTab(tab);
    await expectNoHorizontalOverflow(page);
  }
  expect(errors).toEqual([]);
});

test("a support bundle for an unknown email is refused in the app, with the catalogue's error", async ({ page, org }) => {
  const { users } = await org(["support"]);
  const errors = collectErrors(page);
  await signInOverHttp(page, users[0]!);
  const diagnostics = new DiagnosticsPage(page);
  await diagnostics.goto({ tab: "bundle" });
  const form = page.getByRole("form", { name: "Support bundle for a member" });
  await form.getByLabel("Member email").fill("nobody-here@example.test");
  await form.getByRole("button", { name: "Download member bundle" }).click();
  await expect(page).toHaveURL(/\/settings\/diagnostics\?.*bundle_error=not_found/);
  const alert = page.getByRole("form", { name: "Support bundle for a member" }).getByRole("alert");
  await expect(alert).toHaveAttribute("data-error-code", "not_found");
  await expect(alert).toContainText("No member of your organization has the email address nobody-here@example.test.");
  await expect(form.getByLabel("Member email")).toHaveValue("nobody-here@example.test");
  await expect(page.getByRole("navigation", { name: "Diagnostics sections" }).getByRole("link", { name: "Support bundle" })).toHaveAttribute("aria-current", "page");
  expect(errors).toEqual([]);
});
