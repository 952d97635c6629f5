// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { createElement } from "react";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { LiveQueryProvider } from "@/components/query/live-query-provider";
import { inApp, ManualIntervals, recordingRouter, resetLiveQueries, ScriptedServer, untilIdle } from "@/components/query/test-kit";
import { generateKeyPair, openSealed, type RunnerKeyPair } from "@/lib/crypto/sealed-box";
import type { ActionResult } from "@/lib/actions/result";
import { describeCode, describeCodes, type ErrorCode } from "@/lib/errors/catalogue";
import type { SaveIntegrationResult } from "@/lib/integrations/create-integration";
import type { JobStatusView } from "@/lib/integrations/read-job-status";
import type { CheckOutcome } from "@/lib/integrations/test-outcome";
import { getProvider } from "@/lib/providers";
import { IntegrationForm } from "./integration-form";
import type { SavedIntegration } from "./integration-form-state";
import { JOB_POLL_MS } from "./use-job-status";

// The server actions are the form's network edge (a POST to the plane): each test says what they answer.
const actions = vi.hoisted(() => ({ createIntegrationAction: vi.fn(), updateIntegrationAction: vi.fn() }));
vi.mock("@/app/(settings)/settings/runners/actions", () => actions);

const intervals = new ManualIntervals().install();
const server = new ScriptedServer();
const WAIT = { timeout: 10_000 };
const SECRET = "oauth-client-secret-canary-7f3a";
let keys: RunnerKeyPair;

type Input = Record<string, unknown>;
const ok = (data: Partial<SaveIntegrationResult> = {}): ActionResult<SaveIntegrationResult> => ({ ok: true, data: { integrationId: "int-1", jobId: null, disconnected: { oauth: 0, pat: 0 }, ...data } });
const refused = (code: ErrorCode, message: string, fieldErrors?: Record<string, string[]>): ActionResult<SaveIntegrationResult> => ({ ok: false, code, message, entry: describeCode(code).entry, fieldErrors });

const saved = (patch: Partial<SavedIntegration> = {}): SavedIntegration => ({
  provider: "gitlab",
  deployment: "self_hosted",
  host: "gitlab.example.com",
  issuerUrl: "",
  virtualDirectory: "",
  allowPrivateHosts: false,
  baseUrl: "https://gitlab.example.com",
  oauthEnabled: true,
  oauthClientId: "client-1",
  oauthScopes: ["api", "read_user"],
  hasClientSecret: true,
  secretNeedsReentry: false,
  patEnabled: true,
  patScopes: ["api", "read_user"],
  oauthUsers: 0,
  patUsers: 0,
  ...patch,
});

function show(opts: { saved?: SavedIntegration | null; publicKey?: string | null } = {}) {
  const { router, calls } = recordingRouter();
  const props = {
    runner: { id: "runner-1", publicKey: opts.publicKey === undefined ? keys.publicKey : opts.publicKey },
    integrationId: "int-1",
    callbackUrl: "http://localhost:3000/api/scm/oauth/callback/int-1",
    allowLoopback: false,
    saved: opts.saved ?? null,
    lastTest: null,
  };
  render(inApp(router, createElement(LiveQueryProvider, null, createElement(IntegrationForm, props))));
  return calls;
}

const type = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });
const saveAndTest = () => fireEvent.click(screen.getByRole("button", { name: "Save & Test" }));
const progress = () => screen.getByTestId("test-progress");
const announced = () => within(progress()).getByRole("status").textContent;
const check = (id: CheckOutcome["id"], patch: Partial<CheckOutcome> = {}): CheckOutcome => ({ id, ok: true, code: null, field: null, durationMs: 4, ...patch });
const jobView = (patch: Partial<JobStatusView>, codes: string[] = []) => ({
  jobId: "job-1",
  kind: "integration.test",
  status: "running",
  stage: null,
  done: false,
  ok: null,
  checks: [],
  errorCode: null,
  fieldErrors: null,
  ...patch,
  errors: describeCodes(codes),
});

beforeAll(async () => {
  keys = await generateKeyPair();
  await server.start();
});
afterAll(() => server.close());
beforeEach(() => {
  actions.createIntegrationAction.mockReset();
  actions.updateIntegrationAction.mockReset();
});
afterEach(() => {
  cleanup();
  resetLiveQueries();
  server.reset();
});

describe("IntegrationForm: adding an integration", () => {
  it("sends the filled-in form with the client secret sealed to the runner, then opens the new integration", async () => {
    actions.createIntegrationAction.mockResolvedValue(ok({ integrationId: "int-1", jobId: "job-1" }));
    const calls = show();

    fireEvent.click(screen.getByLabelText("GitHub Enterprise Server"));
    type("Host", "GHE.example.com");
    type("Client id", "Iv1.abc");
    type("Client secret", SECRET);
    saveAndTest();

    await waitFor(() => expect(calls).toEqual(["replace /settings/runners/runner-1/integrations/int-1"]), WAIT);
    expect(actions.createIntegrationAction).toHaveBeenCalledTimes(1);
    const [, input] = actions.createIntegrationAction.mock.calls[0] as [null, Input];
    expect(input).toMatchObject({
      integrationId: "int-1",
      runnerId: "runner-1",
      provider: "github",
      deployment: "self_hosted",
      host: "GHE.example.com",
      oauthEnabled: true,
      oauthClientId: "Iv1.abc",
      oauthSecretHost: "ghe.example.com",
      oauthScopes: getProvider("github").oauthScopes.map((s) => s.scope),
      patEnabled: true,
      patScopes: getProvider("github").patScopes.map((s) => s.scope),
      allowPrivateHosts: false,
      test: true,
    });
    // Only the sealed box leaves the browser, and only this runner opens it, for this host.
    expect(JSON.stringify(input)).not.toContain(SECRET);
    const opened = await openSealed(keys, input.oauthClientSecretSealed as string, { purpose: "oauth_client_secret", runnerId: "runner-1", host: "ghe.example.com" });
    expect(opened.value).toBe(SECRET);
    expect(await screen.findByText("Saved; testing now", undefined, WAIT)).toBeTruthy();
  });

  it("shows each provider's own fields, and drops them when the provider changes", () => {
    show();
    expect(screen.queryByLabelText("Host")).toBeNull();
    expect(screen.queryByLabelText("Microsoft Entra ID issuer URL")).toBeNull();

    fireEvent.change(screen.getByLabelText("Provider"), { target: { value: "azure_devops" } });
    // Azure DevOps Services signs in through the tenant's Entra ID: the issuer is required.
    expect(screen.getByLabelText("Microsoft Entra ID issuer URL")).toBeTruthy();
    expect(screen.queryByLabelText("Virtual directory (optional)")).toBeNull();
    for (const s of getProvider("azure_devops").patScopes) expect((screen.getByLabelText(s.scope) as HTMLInputElement).checked).toBe(true);

    fireEvent.click(screen.getByLabelText("Azure DevOps Server"));
    expect(screen.getByLabelText("Host")).toBeTruthy();
    expect(screen.getByLabelText("Microsoft Entra ID issuer URL (optional)")).toBeTruthy();
    expect(screen.getByLabelText("Virtual directory (optional)")).toBeTruthy();
    expect(screen.getByLabelText("This host is on a private network")).toBeTruthy();

    fireEvent.change(screen.getByLabelText("Provider"), { target: { value: "bitbucket" } });
    // Bitbucket Cloud has no self-hosted edition: back on its cloud, without the others' fields.
    expect(screen.queryByLabelText("Host")).toBeNull();
    expect(screen.queryByLabelText(/Microsoft Entra ID issuer URL/)).toBeNull();
    expect(screen.queryByLabelText("Virtual directory (optional)")).toBeNull();
    expect(screen.queryByLabelText("This host is on a private network")).toBeNull();
    expect(screen.queryByLabelText("vso.code_write")).toBeNull();
    for (const s of getProvider("bitbucket").patScopes) expect((screen.getByLabelText(s.scope) as HTMLInputElement).checked).toBe(true);
  });

  it("refuses without a client secret before anything is sent, next to the field, with focus on it", async () => {
    show();
    type("Client id", "Iv1.abc");
    saveAndTest();

    const field = await screen.findByLabelText("Client secret", undefined, WAIT);
    await waitFor(() => expect(document.activeElement).toBe(field), WAIT);
    expect(field.getAttribute("aria-invalid")).toBe("true");
    expect(document.getElementById(field.getAttribute("aria-describedby")!.split(" ").pop()!)?.textContent).toBe("Enter the OAuth application's client secret");
    expect(actions.createIntegrationAction).not.toHaveBeenCalled();
  });

  it("shows the action's field errors next to their fields, counts them in the box, and focuses the first", async () => {
    actions.createIntegrationAction.mockResolvedValue(refused("validation_failed", "Check the highlighted fields", { host: ["Enter a host name without a path"], oauthClientId: ["Enter the client id"] }));
    const calls = show();
    fireEvent.click(screen.getByLabelText("GitHub Enterprise Server"));
    type("Host", "ghe.example.com/path");
    type("Client secret", SECRET);
    saveAndTest();

    const summary = await screen.findByTestId("form-error-summary", undefined, WAIT);
    expect(summary.textContent).toContain("2 fields need attention: Host, Client id.");
    const host = screen.getByLabelText("Host");
    expect(host.getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByText("Enter a host name without a path")).toBeTruthy();
    expect(screen.getByLabelText("Client id").getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByText("Enter the client id")).toBeTruthy();
    await waitFor(() => expect(document.activeElement).toBe(host), WAIT);
    expect(calls).toEqual([]);
  });

  it("offers the existing integration when the host is taken", async () => {
    actions.createIntegrationAction.mockResolvedValue(refused("host_taken", "An integration for github.com exists on this runner"));
    show({ publicKey: null });
    saveAndTest();

    const alert = await screen.findByRole("alert", undefined, WAIT);
    expect(alert.dataset.errorCode).toBe("host_taken");
    expect(alert.textContent).toContain("An integration for github.com exists on this runner");
    expect(screen.getByRole("link", { name: "Edit the existing integration" }).getAttribute("href")).toBe("/settings/runners/runner-1/integrations/existing?host=github.com");
  });
});

describe("IntegrationForm: Save & Test on an integration", () => {
  it("announces each step of the test as the runner reports it, ends in success and stops asking", async () => {
    actions.updateIntegrationAction.mockResolvedValue(ok({ jobId: "job-1" }));
    server.answer(
      "/api/jobs/job-1",
      { status: 200, body: jobView({ status: "pending" }) },
      { status: 200, body: jobView({ stage: "api", checks: [check("reachable")] }) },
      { status: 200, body: jobView({ status: "succeeded", done: true, ok: true, checks: [check("reachable"), check("api"), check("oauth_client")] }) },
    );
    show({ saved: saved() });
    saveAndTest();

    await waitFor(() => expect(announced()).toBe("Waiting for the runner to pick up the test…"), WAIT);
    const [, input] = actions.updateIntegrationAction.mock.calls[0] as [null, Input];
    // The stored secret is kept: nothing is sealed.
    expect(input).toMatchObject({ integrationId: "int-1", oauthClientSecretSealed: null, test: true });
    expect(screen.getByRole("button", { name: "Save & Test" }).getAttribute("aria-busy")).toBe("true");
    await waitFor(() => expect(server.count("/api/jobs/job-1")).toBe(1), WAIT);
    await untilIdle();
    expect(intervals.scheduled()).toEqual([JOB_POLL_MS]);

    intervals.tick();
    await waitFor(() => expect(announced()).toBe("Checking API…"), WAIT);
    expect(progress().querySelector("[data-check='reachable']")?.getAttribute("data-check-state")).toBe("passed");

    intervals.tick();
    await waitFor(() => expect(announced()).toBe("All checks passed"), WAIT);
    expect(progress().dataset.testState).toBe("passed");
    expect(intervals.scheduled()).toEqual([]);
    expect(screen.getByRole("button", { name: "Save & Test" }).hasAttribute("aria-busy")).toBe(false);
  });

  it("ends in the typed failure, shown on the field it concerns and with its remedy", async () => {
    actions.updateIntegrationAction.mockResolvedValue(ok({ jobId: "job-2" }));
    server.answer(
      "/api/jobs/job-2",
      { status: 200, body: jobView({ jobId: "job-2", stage: "oauth_client", checks: [check("reachable"), check("api")] }) },
      {
        status: 200,
        body: jobView(
          {
            jobId: "job-2",
            status: "succeeded",
            done: true,
            ok: false,
            checks: [check("reachable"), check("api"), check("oauth_client", { ok: false, code: "oauth_client_invalid", field: "oauthClientId" })],
            fieldErrors: { oauthClientId: ["OAuth client credentials refused"] },
          },
          ["oauth_client_invalid"],
        ),
      },
    );
    show({ saved: saved() });
    saveAndTest();

    await waitFor(() => expect(announced()).toBe("Checking OAuth client…"), WAIT);
    intervals.tick();
    await waitFor(() => expect(announced()).toBe("Test failed: 1 check did not pass"), WAIT);
    expect(progress().dataset.testState).toBe("failed");
    expect(progress().querySelector("[data-check='oauth_client']")?.textContent).toContain("Failed: OAuth client credentials refused");
    expect(within(progress()).getByRole("alert").textContent).toContain(describeCode("oauth_client_invalid").entry.remedy);
    const clientId = screen.getByLabelText("Client id");
    expect(clientId.getAttribute("aria-invalid")).toBe("true");
    expect(intervals.scheduled()).toEqual([]);
  });

  it("ends in the job's own typed error when the runner does not answer", async () => {
    actions.updateIntegrationAction.mockResolvedValue(ok({ jobId: "job-3" }));
    server.answer("/api/jobs/job-3", { status: 200, body: jobView({ jobId: "job-3", status: "failed", done: true, ok: false, errorCode: "runner_offline" }, ["runner_offline"]) });
    show({ saved: saved() });
    saveAndTest();

    await waitFor(() => expect(announced()).toBe("Test failed: Runner offline"), WAIT);
    const alert = within(progress()).getByRole("alert");
    expect(alert.dataset.errorCode).toBe("runner_offline");
    expect(alert.textContent).toContain(describeCode("runner_offline").entry.remedy);
  });

  it("says it saved untested for Save without testing, and follows no job", async () => {
    actions.updateIntegrationAction.mockResolvedValue(ok());
    show({ saved: saved() });
    fireEvent.click(screen.getByRole("button", { name: "Save without testing" }));

    await waitFor(() => expect(screen.getByTestId("integration-save-status").textContent).toBe("Saved. Not tested: run Save & Test to check the runner can reach the host."), WAIT);
    expect((actions.updateIntegrationAction.mock.calls[0] as [null, Input])[1]).toMatchObject({ test: false });
    expect(screen.queryByTestId("test-progress")).toBeNull();
    expect(server.requests).toEqual([]);
  });

  it("asks before turning off a method people use, saying how many, and saves once confirmed", async () => {
    actions.updateIntegrationAction.mockResolvedValue(ok({ disconnected: { oauth: 0, pat: 2 } }));
    show({ saved: saved({ patUsers: 2 }) });
    fireEvent.click(screen.getByRole("switch", { name: "Personal access tokens" }));
    fireEvent.click(screen.getByRole("button", { name: "Save without testing" }));

    const dialog = await screen.findByRole("dialog", undefined, WAIT);
    expect(dialog.textContent).toContain("This change turns off personal access tokens for gitlab.example.com.");
    expect(dialog.textContent).toContain("2 users");
    expect(actions.updateIntegrationAction).not.toHaveBeenCalled();

    fireEvent.click(within(dialog).getByRole("button", { name: "Save and disconnect" }));
    await waitFor(() => expect(actions.updateIntegrationAction).toHaveBeenCalledTimes(1), WAIT);
    expect((actions.updateIntegrationAction.mock.calls[0] as [null, Input])[1]).toMatchObject({ patEnabled: false, test: false });
    expect(await screen.findByText("2 users were disconnected.", undefined, WAIT)).toBeTruthy();
  });

  it("seals a replacing client secret for the saved host and forgets it once saved", async () => {
    actions.updateIntegrationAction.mockResolvedValue(ok());
    show({ saved: saved() });
    fireEvent.click(screen.getByRole("button", { name: "Replace secret" }));
    type("New client secret", SECRET);
    fireEvent.click(screen.getByRole("button", { name: "Save without testing" }));

    await waitFor(() => expect(actions.updateIntegrationAction).toHaveBeenCalledTimes(1), WAIT);
    const input = (actions.updateIntegrationAction.mock.calls[0] as [null, Input])[1];
    expect((await openSealed(keys, input.oauthClientSecretSealed as string, { purpose: "oauth_client_secret", runnerId: "runner-1", host: "gitlab.example.com" })).value).toBe(SECRET);
    await waitFor(() => expect(screen.getByTestId("secret-stored")).toBeTruthy(), WAIT);
    expect(screen.queryByLabelText("New client secret")).toBeNull();
  });
});
