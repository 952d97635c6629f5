import { expect, type Page } from "@playwright/test";

/** Settings > Members: people, invitations and groups. */
export class MembersPage {
  constructor(readonly page: Page) {}

  async goto() {
    await this.page.goto("/settings/members");
    await expect(this.page.getByRole("heading", { level: 1, name: "Members" })).toBeVisible();
  }

  /** Adds a member and returns the one-time invitation link shown. */
  async addMember(opts: { email: string; name: string; role: "admin" | "member" | "support" }): Promise<string> {
    const form = this.page.getByRole("region", { name: "Add a member" });
    await form.getByLabel("Email").fill(opts.email);
    await form.getByLabel("Name").fill(opts.name);
    await form.getByLabel("Role").selectOption(opts.role);
    await form.getByRole("button", { name: "Add member" }).click();
    const link = this.page.getByLabel("Invitation link", { exact: true });
    await expect(link).toHaveValue(/\/invite\//);
    return link.inputValue();
  }

  row(email: string) {
    return this.page.locator(`tr[data-member-email="${email}"]`);
  }

  async createGroup(name: string, description = "") {
    const form = this.page.getByRole("form", { name: "Create a group" });
    await form.getByLabel("Group name").fill(name);
    await form.getByLabel("Description (optional)").fill(description);
    await form.getByRole("button", { name: "Create group" }).click();
    await expect(this.group(name)).toBeVisible();
  }

  group(name: string) {
    return this.page.getByRole("region", { name, exact: true });
  }

  /** Opens a group's own page from its card (the group's name links there). */
  async openGroup(name: string): Promise<GroupPage> {
    await this.group(name).getByRole("heading", { name, exact: true }).getByRole("link").click();
    const groupPage = new GroupPage(this.page);
    await groupPage.expectOpen(name);
    return groupPage;
  }

  /** Adds a member on the group's own page, then comes back to see them in the group's preview. */
  async addToGroup(group: string, email: string) {
    const groupPage = await this.openGroup(group);
    await groupPage.add(group, email);
    await this.page.getByRole("link", { name: "← Members" }).click();
    await expect(this.group(group).getByRole("list", { name: `Members of ${group}` })).toContainText(email);
  }
}

/** A group's own page (Settings > Members > group): all its members, by page. */
export class GroupPage {
  constructor(readonly page: Page) {}

  async expectOpen(name: string) {
    await expect(this.page.getByRole("heading", { level: 1, name, exact: true })).toBeVisible();
  }

  membersHeading() {
    return this.page.getByRole("heading", { level: 2, name: /^Members/ });
  }

  row(email: string) {
    return this.page.locator(`tr[data-member-email="${email}"]`);
  }

  async add(group: string, email: string) {
    await this.page.getByLabel(`Add a member to ${group} by email`).fill(email);
    await this.page.getByRole("button", { name: "Add to group" }).click();
    await expect(this.row(email)).toBeVisible();
  }

  async remove(group: string, email: string) {
    await this.row(email).getByRole("button", { name: `Remove ${email} from ${group}` }).click();
    await expect(this.row(email)).toHaveCount(0);
  }
}
