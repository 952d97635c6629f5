import { expect, type Page } from "@playwright/test";

/** Settings > Audit log: the filters, the entries with their changed fields, paging and the CSV export. */
export class AuditLogPage {
  constructor(readonly page: Page) {}

  async goto(query = "") {
    await this.page.goto(`/settings/audit-log${query}`);
    await expect(this.page.getByRole("heading", { level: 1, name: "Audit log" })).toBeVisible();
  }

  filters() {
    return this.page.getByRole("search", { name: "Filter the audit log" });
  }

  async filter(opts: { actor?: string; action?: string; targetType?: string; target?: string }) {
    const form = this.filters();
    if (opts.actor !== undefined) await form.getByLabel("Actor").fill(opts.actor);
    if (opts.action !== undefined) await form.getByLabel("Action").selectOption({ label: opts.action });
    if (opts.targetType !== undefined) await form.getByLabel("Target type").selectOption({ label: opts.targetType });
    if (opts.target !== undefined) await form.getByLabel("Target", { exact: true }).fill(opts.target);
    await form.getByRole("button", { name: "Apply filters" }).click();
    await expect(this.page).toHaveURL(/\/settings\/audit-log\?/);
  }

  table() {
    return this.page.getByRole("table", { name: "Audit log entries, newest first" });
  }

  rows() {
    return this.table().locator("tbody tr");
  }

  /** The entry rows for one action code, e.g. `runner.created`. */
  rowsFor(actionCode: string) {
    return this.table().locator(`tbody tr[data-action="${actionCode}"]`);
  }

  exportLink() {
    return this.page.getByRole("link", { name: "Export CSV" });
  }
}
