import { expect, type Page } from "@playwright/test";

/** Settings > Diagnostics: the trail search, its results, Check access, and one operation's timeline. */
export class DiagnosticsPage {
  constructor(readonly page: Page) {}

  async goto(query: Record<string, string> = {}) {
    const qs = new URLSearchParams(query).toString();
    await this.page.goto(`/settings/diagnostics${qs ? `?${qs}` : ""}`);
    await expect(this.page.getByRole("heading", { level: 1, name: "Diagnostics" })).toBeVisible();
  }

  /** Fills the search form and submits it (a GET: the URL carries the search). */
  async search(fields: { email?: string; runner?: string; host?: string; code?: string; operation?: string; failuresOnly?: boolean }) {
    const form = this.page.getByRole("search", { name: "Search the trail" });
    if (fields.email !== undefined) await form.getByLabel("User email").fill(fields.email);
    if (fields.runner !== undefined) await form.getByLabel("Runner").fill(fields.runner);
    if (fields.host !== undefined) await form.getByLabel("Host").fill(fields.host);
    if (fields.code !== undefined) await form.getByLabel("Error code").selectOption(fields.code);
    if (fields.operation !== undefined) await form.getByLabel("Operation").selectOption(fields.operation);
    if (fields.failuresOnly) await form.getByLabel("Outcome").selectOption("failed");
    await form.getByRole("button", { name: "Search" }).click();
    await expect(this.page).toHaveURL(/\/settings\/diagnostics\?/);
  }

  /** The suggestion for a runner name in the page's one list of runner names (shared by every runner field). */
  runnerSuggestions(name: string) {
    return this.page.locator(`datalist#diagnostics-runner-names option[value="${name}"]`);
  }

  /** One of the page's tabs (Trail, Check access, Support bundle), each its own URL. */
  async openTab(name: "Trail" | "Check access" | "Support bundle") {
    const link = this.page.getByRole("navigation", { name: "Diagnostics sections" }).getByRole("link", { name, exact: true });
    await link.click();
    await expect(link).toHaveAttribute("aria-current", "page");
  }

  /** The trail's results: one row per operation. */
  events() {
    return this.page.getByRole("table", { name: "Matching operations, newest first" });
  }

  /** The rows of operations that failed with `code` at `stage` (or, without a failure, ended at `stage`). */
  eventRows(opts: { operation: string; code?: string; stage?: string }) {
    let selector = `tr[data-operation="${opts.operation}"]`;
    if (opts.code) selector += `[data-error-code="${opts.code}"]`;
    if (opts.stage) selector += `[data-stage="${opts.stage}"]`;
    return this.events().locator(selector);
  }

  async openTimeline(row: ReturnType<DiagnosticsPage["eventRows"]>) {
    await row.first().getByRole("link", { name: /^Timeline/ }).click();
    await expect(this.page.getByRole("heading", { level: 1, name: /^Timeline/ })).toBeVisible();
  }

  diagnosis() {
    return this.page.getByTestId("diagnosis");
  }

  timeline() {
    return this.page.getByTestId("timeline");
  }

  switchToOAuth() {
    return this.page.getByTestId("switch-to-oauth");
  }

  chart() {
    return this.page.getByRole("img", { name: /Failures by error code/ });
  }
}
