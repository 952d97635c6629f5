import { expect, type Page } from "@playwright/test";

/** Settings > Git Authentications: one region per provider host, its state and actions. */
export class GitAuthPage {
  constructor(readonly page: Page) {}

  async goto(query = "") {
    await this.page.goto(`/settings/git-authentications${query}`);
    await expect(this.page.getByRole("heading", { level: 1, name: "Git Authentications" })).toBeVisible();
  }

  /** Searches by host, provider or runner name (`?q=`), through the page's search form. */
  async search(q: string) {
    await this.page.getByRole("searchbox", { name: "Search by host, provider or runner" }).fill(q);
    await this.page.getByRole("button", { name: "Search", exact: true }).click();
    await expect(this.page).toHaveURL(new RegExp(`[?&]q=${encodeURIComponent(q).replace(/[.]/g, "\\.")}`));
  }

  /** The row of a host, e.g. `row("GitHub", "github.com")`. */
  row(provider: string, host: string) {
    return this.page.getByRole("region", { name: `${provider} ${host}`, exact: true });
  }

  patDialog() {
    return this.page.getByRole("dialog", { name: /with a personal access token/ });
  }

  async openPatDialog(provider: string, host: string) {
    await this.row(provider, host).getByRole("button", { name: /personal access token|token/i }).click();
    await expect(this.patDialog()).toBeVisible();
    return this.patDialog();
  }

  /** The row's connection state: `[data-connection-state=connected|needs_reauth|not_connected]`. */
  connectionState(provider: string, host: string) {
    return this.row(provider, host).locator("[data-connection-state]");
  }

  /** Starts OAuth from a row; the browser goes to the provider's consent page (or straight back when it auto-approves). */
  async connectWithOAuth(provider: string, host: string) {
    await this.row(provider, host).getByRole("button", { name: `Connect with OAuth for ${host}`, exact: true }).click();
  }

  async disconnect(provider: string, host: string) {
    await this.row(provider, host).getByRole("button", { name: `Disconnect ${host}` }).click();
    const dialog = this.page.getByRole("dialog", { name: `Disconnect ${host}?` });
    await expect(dialog).toBeVisible();
    return dialog;
  }

  status() {
    return this.page.getByTestId("oauth-return-status");
  }
}
