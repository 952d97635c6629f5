import { expect, type Page } from "@playwright/test";

/** The settings layout: the sidebar navigation and the signed-in user panel. */
export class SettingsShell {
  constructor(readonly page: Page) {}

  nav() {
    return this.page.getByRole("navigation", { name: "Settings" });
  }

  async expectNavItems(labels: string[]) {
    await expect(this.nav().getByRole("link")).toHaveText(labels);
  }

  async signOut() {
    await this.page.getByRole("button", { name: "Sign out" }).click();
    await expect(this.page).toHaveURL(/\/login/);
  }
}
