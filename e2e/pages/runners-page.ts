import { expect, type Page } from "@playwright/test";

/** Settings > Runners: the runner list, creating runners and their one-time registration token. */
export class RunnersPage {
  constructor(readonly page: Page) {}

  async goto() {
    await this.page.goto("/settings/runners");
    await expect(this.page.getByRole("heading", { level: 1, name: "Runners" })).toBeVisible();
  }

  /** Creates a runner and returns the registration token and the register command shown (once). */
  /** Creates a runner; answers its one-time token and the install, register and service commands shown with it. */
  async createRunner(name: string): Promise<{ token: string; installCommand: string; registerCommand: string; serviceCommand: string }> {
    const form = this.page.getByRole("region", { name: "Create a runner" });
    await form.getByLabel("Runner name").fill(name);
    await form.getByRole("button", { name: "Create runner" }).click();
    const instructions = this.page.getByTestId("registration-instructions");
    await expect(instructions).toContainText(`Registration token for ${name}`);
    const token = await instructions.getByLabel("Registration token", { exact: true }).inputValue();
    const command = async (label: RegExp) => (await instructions.getByLabel(label).textContent()) ?? "";
    return { token, installCommand: await command(/^1\. Install runner/), registerCommand: await command(/^2\. Register/), serviceCommand: await command(/^3\. Keep it running/) };
  }

  row(name: string) {
    return this.page.locator(`tr[data-runner-name="${name}"]`);
  }

  /** Searches the list by name (the list shows 50 runners a page), leaving the matching runners shown. */
  async search(name: string) {
    const form = this.page.getByRole("search");
    await form.getByLabel("Search runners by name").fill(name);
    await form.getByRole("button", { name: "Search" }).click();
    await expect(this.page).toHaveURL(/[?&]q=/);
  }

  /**
   * The runner's row: on the page shown if it is there (so a live update is seen without a
   * reload), else found by searching its name, wherever it sorts among the organization's runners.
   */
  async show(name: string) {
    if ((await this.row(name).count()) === 0) await this.search(name);
    await expect(this.row(name)).toBeVisible();
    return this.row(name);
  }

  /** Waits for the row's live status (it refreshes by itself while the page is open). */
  async expectStatus(name: string, status: "online" | "offline" | "unregistered", timeout = 15_000) {
    await expect((await this.show(name)).locator("[data-runner-status]")).toHaveAttribute("data-runner-status", status, { timeout });
  }

  async openRunner(name: string): Promise<RunnerDetailPage> {
    await (await this.show(name)).getByRole("link", { name, exact: true }).click();
    await expect(this.page.getByRole("heading", { level: 1, name })).toBeVisible();
    return new RunnerDetailPage(this.page);
  }
}

/** One runner: its details and "Configure repository access". */
export class RunnerDetailPage {
  constructor(readonly page: Page) {}

  async addProvider(): Promise<IntegrationFormPage> {
    await this.page.getByRole("link", { name: "Add a Git provider" }).click();
    await expect(this.page.getByRole("heading", { level: 1, name: "Add a Git provider" })).toBeVisible();
    await expect(this.page).toHaveURL(/\/integrations\/new\?id=/);
    return new IntegrationFormPage(this.page);
  }

  integrationRow(host: string) {
    return this.page.locator(`tr[data-integration-host="${host}"]`);
  }
}

/** The add/edit form of one Git provider integration, with Save & Test. */
export class IntegrationFormPage {
  constructor(readonly page: Page) {}

  async callbackUrl(): Promise<string> {
    return this.page.getByLabel("Callback URL").inputValue();
  }

  async chooseProvider(provider: "GitHub" | "GitLab" | "Bitbucket Cloud" | "Azure DevOps", deployment: string) {
    await this.page.getByLabel("Provider", { exact: true }).selectOption({ label: provider });
    await this.page.getByRole("radio", { name: deployment }).check();
  }

  async fillHost(host: string) {
    await this.page.getByLabel("Host", { exact: true }).fill(host);
  }

  async fillOAuthClient(clientId: string, clientSecret: string) {
    await expect(this.page.getByRole("switch", { name: "OAuth" })).toHaveAttribute("aria-checked", "true");
    await this.page.getByLabel("Client id").fill(clientId);
    await this.page.getByLabel("Client secret", { exact: true }).fill(clientSecret);
  }

  async expectPatEnabled() {
    await expect(this.page.getByRole("switch", { name: "Personal access tokens" })).toHaveAttribute("aria-checked", "true");
  }

  async saveAndTest() {
    await this.page.getByRole("button", { name: "Save & Test" }).click();
  }

  progress() {
    return this.page.getByTestId("test-progress");
  }

  /** Waits for Save & Test to finish and returns each check's state. */
  async checksWhenDone(timeout = 25_000): Promise<Record<string, string | null>> {
    await expect(this.progress()).not.toHaveAttribute("data-test-state", "running", { timeout });
    const states: Record<string, string | null> = {};
    for (const row of await this.progress().locator("[data-check]").all()) states[(await row.getAttribute("data-check"))!] = await row.getAttribute("data-check-state");
    return states;
  }
}
