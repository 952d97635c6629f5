import { collectErrors, expect, expectNoHorizontalOverflow, expectNoSeriousA11yViolations, signInOverHttp, test } from "./fixtures";
import { AgentsPage, FakeRunner } from "./pages/agents-page";
import { MembersPage } from "./pages/members-page";

test("an admin disables SCM tools and enables them again; the activity list shows the refused call", async ({ page, request, org }) => {
  const { orgId, users } = await org(["admin", "member"]);
  const [admin, member] = users;
  await signInOverHttp(page, admin!);
  const agents = new AgentsPage(page);
  await agents.goto();
  await expect(page.getByText("Not changed yet: the default applies")).toBeVisible();
  await expect(agents.mode("Enabled for everyone")).toBeChecked();
  await expect(agents.activity().getByText("No agent activity yet")).toBeVisible();

  // An agent in the member's environment opens a pull request while the tools are enabled.
  const { runner, environmentId, environmentName } = await FakeRunner.withEnvironment(request, { orgId, ownerId: member!.userId });
  const allowed = await runner.toolCall(environmentId, "create_pull_request");
  expect(allowed).toMatchObject({ allowed: true });
  await runner.finish(allowed.callId, { outcome: "succeeded", resultUrl: "https://github.com/acme/app/pull/1" });

  await agents.mode("Disabled").check();
  await expect(agents.capability("Issues")).toBeDisabled();
  await agents.save();
  await expect(agents.lastChanged()).toContainText(admin!.email);
  expect(await runner.toolCall(environmentId, "create_issue")).toMatchObject({ allowed: false, code: "scm_tools_disabled" });

  await agents.goto();
  await expect(agents.mode("Disabled")).toBeChecked();
  const rows = agents.activityRows();
  await expect(rows).toHaveCount(2);
  const refused = rows.filter({ hasText: "create_issue" });
  await expect(refused).toContainText("Refused");
  await expect(refused).toContainText(environmentName);
  await expect(refused).toContainText(member!.email);
  await expect(refused.locator("[data-error-code=scm_tools_disabled]")).toContainText("Agent SCM tools are disabled");
  await expect(refused.locator("[data-refusal-reason]")).toHaveText("SCM tools are switched off for the organization");
  await expect(refused.getByRole("link", { name: "Agent SCM tools are disabled" })).toHaveAttribute("href", "/docs/troubleshooting#scm_tools_disabled");
  await expect(refused).toContainText("Ask an admin to enable SCM tools in Settings > Agents");
  const succeeded = rows.filter({ hasText: "create_pull_request" });
  await expect(succeeded).toContainText("Succeeded");
  await expect(succeeded.getByRole("link", { name: /Open result/ })).toHaveAttribute("href", "https://github.com/acme/app/pull/1");
  await expectNoSeriousA11yViolations(page);

  await agents.mode("Enabled for everyone").check();
  await agents.save();
  expect(await runner.toolCall(environmentId, "create_issue")).toMatchObject({ allowed: true });
});

test("an admin restricts SCM tools to a group and turns one capability off", async ({ page, request, org }) => {
  const { orgId, users } = await org(["admin", "member", "member"]);
  const [admin, insider, outsider] = users;
  await signInOverHttp(page, admin!);
  const members = new MembersPage(page);
  await members.goto();
  await members.createGroup("Agent pilots");
  await members.addToGroup("Agent pilots", insider!.email);

  const agents = new AgentsPage(page);
  await agents.goto();
  await agents.mode("Restricted to members of chosen groups").check();
  // Restricting to no group at all is refused with a field error, not saved.
  await agents.form().getByRole("button", { name: "Save policy" }).click();
  await expect(agents.form().getByText("Choose at least one group")).toBeVisible();
  await agents.group("Agent pilots").check();
  await agents.setCapability("Issues", false);
  await expectNoSeriousA11yViolations(page);
  await agents.save();

  await agents.goto();
  await expect(agents.mode("Restricted to members of chosen groups")).toBeChecked();
  await expect(agents.group("Agent pilots")).toBeChecked();
  await expect(agents.capability("Issues")).toHaveAttribute("aria-checked", "false");
  await expect(agents.capability("Pull requests")).toHaveAttribute("aria-checked", "true");

  const mine = await FakeRunner.withEnvironment(request, { orgId, ownerId: insider!.userId });
  const theirs = await FakeRunner.withEnvironment(request, { orgId, ownerId: outsider!.userId });
  expect(await mine.runner.toolCall(mine.environmentId, "create_pull_request")).toMatchObject({ allowed: true });
  expect(await mine.runner.toolCall(mine.environmentId, "create_issue")).toMatchObject({ allowed: false, code: "scm_tools_not_allowed" });
  expect(await theirs.runner.toolCall(theirs.environmentId, "create_pull_request")).toMatchObject({ allowed: false, code: "scm_tools_not_allowed" });

  await agents.goto();
  await expect(agents.activityRows().filter({ hasText: "Refused" })).toHaveCount(2);
  await expect(agents.activity().locator("[data-error-code=scm_tools_not_allowed]").first()).toContainText("Agent SCM tool not allowed");
  // Each refusal says which check refused it.
  await expect(agents.activityRows().filter({ hasText: "create_issue" }).locator("[data-refusal-reason]")).toHaveText("The Issues capability is switched off");
  await expect(agents.activityRows().filter({ hasText: outsider!.email }).locator("[data-refusal-reason]")).toHaveText("The owner is in none of the allowed groups");
});

test("a member sees the policy that applies to them, read-only, and only their own agents' activity", async ({ page, request, org }) => {
  const { orgId, users } = await org(["admin", "member"]);
  const [admin, member] = users;
  const own = await FakeRunner.withEnvironment(request, { orgId, ownerId: member!.userId, credential: "none" });
  const admins = await FakeRunner.withEnvironment(request, { orgId, ownerId: admin!.userId });
  expect(await own.runner.toolCall(own.environmentId, "list_issues")).toMatchObject({ allowed: false, code: "credential_needs_reauth" });
  expect(await admins.runner.toolCall(admins.environmentId, "list_issues")).toMatchObject({ allowed: true });

  await signInOverHttp(page, member!);
  const agents = new AgentsPage(page);
  await agents.goto();
  const summary = agents.summary();
  await expect(summary).toContainText("allows agent SCM tools for everyone");
  await expect(summary.getByRole("listitem")).toHaveCount(4);
  await expect(summary.locator("[data-capability=issues]")).toContainText("agents in your environments can read, search, create, update, list and comment on issues");
  await expect(summary.locator("[data-capability=repository]")).toContainText("who the owner is, labels and assignable users: allowed whenever the tools are");
  // Which providers have the tools comes from the provider registry, not from a fixed sentence.
  await expect(summary.getByTestId("tool-providers")).toContainText(/SCM tools are available for (every provider: )?GitHub(,| and) GitLab/);
  await expect(page.getByRole("radio")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Save policy" })).toHaveCount(0);
  const rows = agents.activityRows();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(own.environmentName);
  await expect(rows.first().locator("[data-error-code=credential_needs_reauth]")).toContainText("Reconnect your account");
  await expectNoSeriousA11yViolations(page);

  // The admin turns the tools off; the member's page says so at the next load.
  await page.context().clearCookies();
  await signInOverHttp(page, admin!);
  await agents.goto();
  await agents.mode("Disabled").check();
  await agents.save();
  await page.context().clearCookies();
  await signInOverHttp(page, member!);
  await agents.goto();
  await expect(summary).toContainText("turned agent SCM tools off");
  await expect(summary.locator("[data-capability=pull_requests]")).toContainText("agents in your environments cannot open, read, search, update and list pull requests");
  await expect(summary.getByText("Not allowed")).toHaveCount(4);
});

test("an admin filters the activity by outcome, sees why a call was refused and pages to older calls, without the app's JavaScript", async ({ browser, page, request, org }) => {
  test.setTimeout(180_000);
  const { orgId, users } = await org(["admin", "member"]);
  const [admin, member] = users;
  const { runner, environmentId, environmentName } = await FakeRunner.withEnvironment(request, { orgId, ownerId: member!.userId });
  // The oldest call is the refused one; 51 newer allowed calls push it to the second page.
  expect(await runner.refuse(environmentId, "update_issue", "validation_failed", "number, body")).toMatchObject({ allowed: false, code: "validation_failed" });
  for (let n = 0; n < 51; n++) expect(await runner.toolCall(environmentId, "get_issue")).toMatchObject({ allowed: true });

  // The page streams behind its loading state (React's inline swap), but the filters and the pager
  // must need none of the app's own scripts: without them, links and the form are plain HTML.
  const context = await browser.newContext();
  await context.route("**/_next/static/chunks/**", (route) => route.abort());
  const plain = await context.newPage();
  await signInOverHttp(plain, admin!);
  const agents = new AgentsPage(plain);
  await agents.goto();
  await expect(agents.activityRows()).toHaveCount(50);
  await expect(agents.pager().getByRole("link", { name: "Newer calls" })).toHaveCount(0);
  await agents.pager().getByRole("link", { name: "Older calls" }).click();
  await expect(agents.activityRows()).toHaveCount(2);
  const refused = agents.activityRows().filter({ hasText: "update_issue" });
  await expect(refused).toContainText("Refused");
  await expect(refused).toContainText(environmentName);
  await expect(refused.locator("[data-refusal-reason]")).toHaveText("Arguments did not match: number, body");
  await expect(agents.pager().getByRole("link", { name: "Older calls" })).toHaveCount(0);
  await agents.pager().getByRole("link", { name: "Newer calls" }).click();
  await expect(agents.activityRows()).toHaveCount(50);

  // The filters are a GET form: the view is in the URL.
  await agents.filter("Outcome").selectOption({ label: "Refused" });
  await agents.applyFilters();
  expect(new URL(plain.url()).searchParams.get("outcome")).toBe("refused");
  await expect(agents.filter("Outcome")).toHaveValue("refused");
  await expect(agents.activityRows()).toHaveCount(1);
  await expect(agents.activityRows().first().locator("[data-refusal-reason]")).toHaveText("Arguments did not match: number, body");
  await agents.filter("Tool").selectOption("get_me");
  await agents.applyFilters();
  await expect(agents.activity().getByText("No calls match these filters")).toBeVisible();
  await agents.activity().getByRole("link", { name: "Clear filters" }).first().click();
  await expect(agents.activityRows()).toHaveCount(50);
  await context.close();

  // A hand-edited URL is ignored where it does not parse, and said so; never an error page.
  await signInOverHttp(page, admin!);
  const errors = collectErrors(page);
  await page.goto("/settings/agents?outcome=exploded&before=yesterday");
  await expect(page.getByTestId("activity-ignored")).toContainText("Outcome: Not an outcome");
  await expect(page.getByTestId("activity-ignored")).toContainText("Page: Not a position in the list");
  const live = new AgentsPage(page);
  await expect(live.activityRows()).toHaveCount(50);
  await page.goto("/settings/agents?outcome=refused");
  await expect(live.activityRows()).toHaveCount(1);
  await expectNoSeriousA11yViolations(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await expectNoHorizontalOverflow(page);
  await live.filter("Tool").focus();
  await page.keyboard.press("Tab");
  await expect(live.filter("Outcome")).toBeFocused();
  expect(errors).toEqual([]);
});

test("a member's activity is their own environments', whatever owner or environment the URL names", async ({ page, request, org }) => {
  const { orgId, users } = await org(["admin", "member", "member"]);
  const [, member, colleague] = users;
  const own = await FakeRunner.withEnvironment(request, { orgId, ownerId: member!.userId });
  const theirs = await FakeRunner.withEnvironment(request, { orgId, ownerId: colleague!.userId });
  await own.runner.toolCall(own.environmentId, "list_issues");
  await theirs.runner.toolCall(theirs.environmentId, "create_issue");
  await theirs.runner.refuse(theirs.environmentId, "create_issue", "validation_failed", "title");

  await signInOverHttp(page, member!);
  const errors = collectErrors(page);
  const agents = new AgentsPage(page);
  await page.goto(`/settings/agents?owner=${colleague!.userId}&environment=${theirs.environmentId}`);
  const notice = page.getByTestId("activity-ignored");
  await expect(notice).toContainText("Only admins filter by owner");
  await expect(notice).toContainText("Not one of your environments");
  await expect(agents.filter("Owner")).toHaveCount(0);
  await expect(agents.activityRows()).toHaveCount(1);
  await expect(agents.activityRows().first()).toContainText(own.environmentName);
  await expect(agents.activity()).not.toContainText(theirs.environmentName);
  await expect(agents.filter("Environment").locator("option")).toHaveText(["Any environment", own.environmentName]);
  await expectNoSeriousA11yViolations(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await expectNoHorizontalOverflow(page);
  expect(errors).toEqual([]);
});

test("support is refused the Agents page with a 403", async ({ page, org }) => {
  const { users } = await org(["admin", "support"]);
  await signInOverHttp(page, users[1]!);
  const res = await page.goto("/settings/agents");
  expect(res?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "You don't have access to this page" })).toBeVisible();
});
