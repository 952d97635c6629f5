import { expect, type Page } from "@playwright/test";

/** Environments: the "New environment" form, the authorization prompt, and the list. */
export class EnvironmentsPage {
  constructor(readonly page: Page) {}

  async goto(query = "") {
    await this.page.goto(`/environments${query}`);
    await expect(this.page.getByRole("heading", { level: 1, name: "Environments" })).toBeVisible();
  }

  form() {
    return this.page.getByRole("form", { name: "New environment" });
  }

  async create(repoUrl: string, opts: { branch?: string; runner?: string } = {}) {
    const form = this.form();
    if (opts.runner) await form.getByLabel("Runner").selectOption({ label: opts.runner });
    await form.getByLabel("Repository URL").fill(repoUrl);
    await form.getByLabel("Branch (optional)").fill(opts.branch ?? "");
    await form.getByRole("button", { name: "Create environment" }).click();
  }

  prompt() {
    return this.page.getByTestId("authorization-prompt");
  }

  list() {
    return this.page.getByRole("table", { name: "Your environments" });
  }

  row(repoUrl: string) {
    return this.list().getByRole("row").filter({ hasText: repoUrl });
  }

  /** The id of an environment in the list (the name of its directory on the runner). */
  async environmentId(repoUrl: string): Promise<string> {
    const id = await this.row(repoUrl).getAttribute("data-environment-id");
    expect(id, `environment row for ${repoUrl}`).toBeTruthy();
    return id!;
  }

  /** The live clone progress of an environment being created ("Cloning…", "Receiving objects 40%…"). */
  progress(repoUrl: string) {
    return this.row(repoUrl).getByRole("status");
  }
}
