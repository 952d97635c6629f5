import { expect, type Page } from "@playwright/test";

/** One environment's page: its state, details, how to reach it, git operations, history, Delete and Reconnect. */
export class EnvironmentPage {
  constructor(readonly page: Page) {}

  async goto(environmentId: string, name?: string) {
    await this.page.goto(`/environments/${environmentId}`);
    await expect(this.page.getByRole("heading", { level: 1, ...(name ? { name } : {}) })).toBeVisible();
  }

  /** The status card: `[data-status]` is the shown state. */
  state() {
    return this.page.getByTestId("environment-state");
  }

  details() {
    return this.page.getByRole("region", { name: "Details" });
  }

  /** A detail's value by its term ("Environment id", "Runner", "OS user", ...). */
  detail(term: string) {
    return this.details().locator("div").filter({ has: this.page.locator("dt", { hasText: new RegExp(`^${term}$`) }) }).locator("dd");
  }

  /** The command shown under "How to reach it" with this label. */
  command(label: string) {
    return this.page.locator(`pre[data-command="${label}"]`);
  }

  gitOperations() {
    return this.page.getByRole("table", { name: "Last git operations, newest first" });
  }

  history() {
    return this.page.getByRole("table", { name: "State history, newest first" });
  }

  reconnectPrompt() {
    return this.page.getByTestId("authorization-prompt");
  }

  deleteButton() {
    return this.page.getByRole("button", { name: "Delete environment" });
  }

  async openDelete() {
    await this.deleteButton().click();
    const dialog = this.page.getByRole("dialog", { name: /^Delete the environment / });
    await expect(dialog).toBeVisible();
    return dialog;
  }

  /** Fails when the page is wider than the viewport (content scrolling sideways). */
  async expectNoHorizontalOverflow() {
    const overflow = await this.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, "horizontal overflow in px").toBeLessThanOrEqual(0);
  }
}
