import { expect, expectNoSeriousA11yViolations, signInOverHttp, test } from "./fixtures";
import { MembersPage } from "./pages/members-page";
import { SettingsShell } from "./pages/settings-shell";

test("an admin adds a member and a group; the member joins by invitation and sees only Git Authentications and Agents", async ({ page, browser, org }) => {
  const { users } = await org(["admin"]);
  await signInOverHttp(page, users[0]!);
  const members = new MembersPage(page);
  await members.goto();

  const email = `dev-${Date.now()}@example.test`;
  const inviteUrl = await members.addMember({ email, name: "Dana Dev", role: "member" });
  await expect(members.row(email)).toContainText("invited");

  // Adding the same email again is a clear field error.
  const form = page.getByRole("region", { name: "Add a member" });
  await form.getByLabel("Email").fill(email.toUpperCase());
  await form.getByLabel("Name").fill("Again");
  await form.getByRole("button", { name: "Add member" }).click();
  await expect(form.getByText("This email address is already in use")).toBeVisible();

  await members.createGroup("Platform team", "Runs the platform");
  await members.addToGroup("Platform team", email);
  await expect(members.row(email)).toContainText("Platform team");

  // The member accepts the invitation in a browser of their own.
  const memberContext = await browser.newContext();
  const memberPage = await memberContext.newPage();
  await memberPage.goto(inviteUrl);
  await expect(memberPage.getByRole("heading", { name: "Join your organization" })).toBeVisible();
  await expectNoSeriousA11yViolations(memberPage);
  await memberPage.getByLabel("Choose a password").fill("member passphrase 1");
  await memberPage.getByRole("button", { name: "Join organization" }).click();
  await expect(memberPage).toHaveURL(/\/settings\/git-authentications$/);
  await expect(memberPage.getByRole("heading", { level: 1, name: "Git Authentications" })).toBeVisible();
  await new SettingsShell(memberPage).expectNavItems(["Git Authentications", "Agents"]);

  // The link works once.
  await memberPage.goto(inviteUrl);
  await expect(memberPage.locator("[role=alert][data-error-code]")).toContainText("Invitation no longer valid");

  // The admin sees them active now.
  await page.reload();
  await expect(members.row(email)).toContainText("active");
  await memberContext.close();
});

test("role changes, disabling and removal take effect at the member's next request; the last admin is protected", async ({ page, browser, org }) => {
  const { users } = await org(["admin", "member"]);
  const [admin, member] = users;
  await signInOverHttp(page, admin!);
  const members = new MembersPage(page);
  await members.goto();

  const memberContext = await browser.newContext();
  const memberPage = await memberContext.newPage();
  await signInOverHttp(memberPage, member!);
  await memberPage.goto("/settings");
  await expect(memberPage).toHaveURL(/git-authentications/);

  // Promote to support: the member's next page load shows Diagnostics only.
  const row = members.row(member!.email);
  await row.getByLabel(`Role of ${member!.email}`).selectOption("support");
  await row.getByRole("button", { name: `Save role for ${member!.email}` }).click();
  await expect(row).toContainText("support");
  await memberPage.goto("/settings");
  await expect(memberPage).toHaveURL(/diagnostics/);

  // Disable asks first; cancelling changes nothing.
  await row.getByRole("button", { name: `Disable ${member!.email}` }).click();
  const disableDialog = page.getByRole("dialog", { name: `Disable ${member!.email}?` });
  await expect(disableDialog).toContainText("signed out at once in every browser");
  await expect(disableDialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await disableDialog.getByRole("button", { name: "Cancel" }).click();
  await expect(disableDialog).toBeHidden();
  await memberPage.goto("/settings/diagnostics");
  await expect(memberPage).toHaveURL(/diagnostics/);
  await expect(row).not.toContainText("disabled");

  // Confirmed, the member's session ends at the next request.
  await row.getByRole("button", { name: `Disable ${member!.email}` }).click();
  await disableDialog.getByRole("button", { name: "Disable member" }).click();
  await expect(row).toContainText("disabled");
  await memberPage.goto("/settings/diagnostics");
  await expect(memberPage).toHaveURL(/\/login/);

  // The last admin cannot demote themselves.
  const selfRow = members.row(admin!.email);
  await selfRow.getByLabel(`Role of ${admin!.email}`).selectOption("member");
  await selfRow.getByRole("button", { name: `Save role for ${admin!.email}` }).click();
  // The refusal is said next to the select, which goes back to the stored role.
  const roleSelect = selfRow.getByLabel(`Role of ${admin!.email}`);
  await expect(selfRow.getByText("An admin is required")).toBeVisible();
  await expect(roleSelect).toHaveValue("admin");
  await expect(roleSelect).toHaveAttribute("aria-invalid", "true");
  await expect(selfRow.getByRole("button", { name: `Save role for ${admin!.email}` })).toBeDisabled();
  await page.reload();
  await expect(members.row(admin!.email)).toContainText("admin");

  // Remove the member after confirming.
  await members.row(member!.email).getByRole("button", { name: `Remove ${member!.email}` }).click();
  const dialog = page.getByRole("dialog", { name: `Remove ${member!.email}?` });
  await expect(dialog).toContainText("signed out at once");
  await dialog.getByRole("button", { name: "Remove member" }).click();
  await expect(members.row(member!.email)).toHaveCount(0);
  await memberContext.close();
});

test("a group's own page lists every member, adds and removes them, deletes the group, and is for admins only", async ({ page, browser, org }) => {
  test.slow(); // eleven additions, one at a time
  const { users } = await org(["admin", ...Array.from({ length: 9 }, () => "member" as const)]);
  const [admin, member] = users;
  await signInOverHttp(page, admin!);
  const members = new MembersPage(page);
  await members.goto();
  await members.createGroup("Reviewers", "Review changes");
  // An invited person makes 11 members: more than a group's card shows.
  const invitee = `rev-${Date.now()}@example.test`;
  await members.addMember({ email: invitee, name: "Rita Reviewer", role: "member" });

  const group = await members.openGroup("Reviewers");
  await expect(page.getByRole("heading", { name: "No members in this group yet" })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  const emails = [...users.map((u) => u.email), invitee];
  for (const email of emails) await group.add("Reviewers", email);
  await expect(group.membersHeading()).toContainText("(11)");
  await expectNoSeriousA11yViolations(page);

  // The card shows the ten most recently added and links to the rest.
  await page.getByRole("link", { name: "← Members" }).click();
  const card = members.group("Reviewers");
  const preview = card.getByRole("list", { name: "Members of Reviewers" });
  await expect(preview).toContainText(invitee);
  await expect(preview).not.toContainText(admin!.email);
  await expect(preview).toContainText("and 1 more");
  await card.getByRole("link", { name: "View all 11 members of Reviewers" }).click();
  await group.expectOpen("Reviewers");
  await expect(group.row(admin!.email)).toBeVisible();

  await group.remove("Reviewers", member!.email);
  await expect(group.membersHeading()).toContainText("(10)");
  await page.reload();
  await expect(group.row(member!.email)).toHaveCount(0);

  // Not for members; an unknown group is "not found".
  const groupUrl = page.url();
  const memberContext = await browser.newContext();
  const memberPage = await memberContext.newPage();
  await signInOverHttp(memberPage, member!);
  const refused = await memberPage.goto(groupUrl);
  expect(refused?.status()).toBe(403);
  await memberContext.close();
  await page.goto("/settings/members/groups/00000000-0000-4000-8000-000000000000");
  await expect(page.getByRole("heading", { level: 1, name: "Group not found" })).toBeVisible();
  await page.goBack();

  // Deleting the group from its page returns to Members.
  await group.expectOpen("Reviewers");
  await page.getByRole("button", { name: "Delete group Reviewers" }).click();
  const dialog = page.getByRole("dialog", { name: "Delete the group Reviewers?" });
  await expect(dialog).toContainText("10 members stay in the organization");
  await dialog.getByRole("button", { name: "Delete group" }).click();
  await expect(page).toHaveURL(/\/settings\/members$/);
  await expect(members.group("Reviewers")).toHaveCount(0);
});
