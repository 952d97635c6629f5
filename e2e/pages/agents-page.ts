import { expect, type APIRequestContext, type Page } from "@playwright/test";

export type PolicyMode = "Enabled for everyone" | "Restricted to members of chosen groups" | "Disabled";
export type AgentCallAnswer = { allowed: boolean; callId: string; code?: string };

/** Settings > Agents: the SCM-tools policy form (admins), the read-only summary (members), and agent activity. */
export class AgentsPage {
  constructor(readonly page: Page) {}

  async goto() {
    await this.page.goto("/settings/agents");
    await expect(this.page.getByRole("heading", { level: 1, name: "Agents" })).toBeVisible();
  }

  form() {
    return this.page.getByRole("form", { name: "SCM tools policy" });
  }

  mode(label: PolicyMode) {
    return this.form().getByRole("radio", { name: label, exact: true });
  }

  group(name: string) {
    return this.form().getByRole("checkbox", { name: new RegExp(`^${name} \\(`) });
  }

  capability(label: "Pull requests" | "Issues" | "Reviews") {
    return this.form().getByRole("switch", { name: label });
  }

  async setCapability(label: "Pull requests" | "Issues" | "Reviews", on: boolean) {
    const control = this.capability(label);
    if ((await control.getAttribute("aria-checked")) !== String(on)) await control.click();
    await expect(control).toHaveAttribute("aria-checked", String(on));
  }

  /** Saves and waits for the confirmation. */
  async save() {
    await this.form().getByRole("button", { name: "Save policy" }).click();
    await expect(this.page.getByRole("status").getByText("Agent policy saved")).toBeVisible();
  }

  lastChanged() {
    return this.page.getByTestId("policy-last-changed");
  }

  activity() {
    return this.page.getByRole("region", { name: "Agent activity" });
  }

  activityRows() {
    return this.activity().locator("tbody tr");
  }

  /** The activity filters: a GET form, so it works without JavaScript. */
  filters() {
    return this.activity().getByRole("search", { name: "Filter agent activity" });
  }

  filter(label: "Tool" | "Outcome" | "Owner" | "Environment") {
    return this.filters().getByLabel(label, { exact: true });
  }

  async applyFilters() {
    await this.filters().getByRole("button", { name: "Apply filters" }).click();
    await expect(this.page.getByRole("heading", { level: 1, name: "Agents" })).toBeVisible();
  }

  pager() {
    return this.activity().getByRole("navigation", { name: "Agent activity pages" });
  }

  summary() {
    return this.page.getByRole("region", { name: "What applies to you" });
  }
}

/**
 * Acts as a runner: asks the management plane, over the real runner API, whether an agent tool
 * call may go ahead (the call is recorded either way), and optionally reports how it ended.
 */
export class FakeRunner {
  constructor(
    readonly request: APIRequestContext,
    readonly accessToken: string,
  ) {}

  /** Seeds a registered runner and a ready environment on it owned by `ownerId`. */
  static async withEnvironment(request: APIRequestContext, input: { orgId: string; ownerId: string; credential?: "connected" | "needs_reauth" | "none" }) {
    const res = await request.post("/api/test/agent-environment", { headers: { "x-e2e-seed-secret": process.env.E2E_SEED_SECRET! }, data: input });
    expect(res.status(), await res.text()).toBe(200);
    const body = (await res.json()) as { runnerAccessToken: string; environmentId: string; environmentName: string; host: string; repoPath: string };
    return { runner: new FakeRunner(request, body.runnerAccessToken), ...body };
  }

  async toolCall(environmentId: string, tool: string): Promise<AgentCallAnswer> {
    const res = await this.request.post("/api/runner/v1/agent-calls", { headers: { authorization: `Bearer ${this.accessToken}` }, data: { environmentId, tool } });
    expect(res.status(), await res.text()).toBe(200);
    return (await res.json()) as AgentCallAnswer;
  }

  /** A call the runner refused itself (malformed arguments, another host's repository): the plane only records it. */
  async refuse(environmentId: string, tool: string, refusedByRunner: "validation_failed" | "repository_host_mismatch", refusalDetail?: string): Promise<AgentCallAnswer> {
    const res = await this.request.post("/api/runner/v1/agent-calls", {
      headers: { authorization: `Bearer ${this.accessToken}` },
      data: { environmentId, tool, refusedByRunner, ...(refusalDetail ? { refusalDetail } : {}) },
    });
    expect(res.status(), await res.text()).toBe(200);
    return (await res.json()) as AgentCallAnswer;
  }

  async finish(callId: string, body: { outcome: "succeeded" | "failed"; resultUrl?: string; errorCode?: string }) {
    const res = await this.request.post(`/api/runner/v1/agent-calls/${callId}/finish`, { headers: { authorization: `Bearer ${this.accessToken}` }, data: body });
    expect(res.status(), await res.text()).toBe(200);
  }
}
