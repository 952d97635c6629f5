import { expect, expectNoSeriousA11yViolations, signInOverHttp, test } from "./fixtures";
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
  await expect(summary.getByRole("listitem")).toHaveCount(3);
  await expect(summary.locator("[data-capability=issues]")).toContainText("agents in your environments can create, update, list and comment on issues");
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
  await expect(summary.locator("[data-capability=pull_requests]")).toContainText("agents in your environments cannot open, read and list pull requests");
  await expect(summary.getByText("Not allowed")).toHaveCount(3);
});

test("support is refused the Agents page with a 403", async ({ page, org }) => {
  const { users } = await org(["admin", "support"]);
  await signInOverHttp(page, users[1]!);
  const res = await page.goto("/settings/agents");
  expect(res?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "You don't have access to this page" })).toBeVisible();
});
