// @vitest-environment happy-dom
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { createElement } from "react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { inApp, ManualIntervals, recordingRouter, ScriptedServer, serveScripted } from "@/components/query/test-kit";
import type { ActionResult } from "@/lib/actions/result";
import type { AccessCheckView } from "@/lib/diagnostics/check-access";
import type { AccessStepView } from "@/lib/diagnostics/access-check-steps";
import type { AccessStepId } from "@/lib/diagnostics/access-step-ids";
import type { AccessCheckStatus } from "@/lib/diagnostics/read-access-check";
import { describeCode, describeCodes, type ErrorCode } from "@/lib/errors/catalogue";
import type { WithErrorDescriptions } from "@/lib/errors/error-description";
import { CheckAccessPanel } from "./check-access-panel";

// The server action is the panel's network edge (a POST to the plane): each test says what it answers.
const actions = vi.hoisted(() => ({ startAccessCheckAction: vi.fn() }));
vi.mock("@/app/(settings)/settings/diagnostics/actions", () => actions);

const intervals = new ManualIntervals().install();
const server = new ScriptedServer();
const WAIT = { timeout: 10_000 };
const SUBJECT = { userEmail: "dev@example.com", host: "github.com", repository: "acme/app", runnerName: "build-01" };

const step = (id: AccessStepId, state: AccessStepView["state"], code: ErrorCode | null = null, note: string | null = null): AccessStepView => ({ id, state, code, note, durationMs: null });
const planeSteps = [step("runner_online", "passed"), step("integration", "passed"), step("authorized", "passed")];
const started = (checkId: string | null, steps: AccessStepView[]): ActionResult<WithErrorDescriptions<AccessCheckView>> => ({
  ok: true,
  data: { checkId, steps, subject: SUBJECT, errors: describeCodes(steps.map((s) => s.code)) },
});
const runnerStatus = (checkId: string, done: boolean, steps: AccessStepView[]): WithErrorDescriptions<AccessCheckStatus> => ({ checkId, done, steps, errorCode: null, errors: describeCodes(steps.map((s) => s.code)) });

function check() {
  const { router } = recordingRouter();
  render(inApp(router, createElement(CheckAccessPanel)));
  fireEvent.change(screen.getByLabelText("Member email"), { target: { value: SUBJECT.userEmail } });
  fireEvent.change(screen.getByLabelText("Repository URL"), { target: { value: "https://github.com/acme/app" } });
  fireEvent.click(screen.getByRole("button", { name: "Check access" }));
}
const result = () => screen.getByTestId("access-check");
const announced = () => within(result()).getByRole("status").textContent;
const stateOf = (id: AccessStepId) => result().querySelector(`[data-step='${id}']`)?.getAttribute("data-step-state");

serveScripted(server);
beforeEach(() => actions.startAccessCheckAction.mockReset());

describe("CheckAccessPanel", () => {
  it("shows the plane's steps at once, follows the runner's as they run, and ends at the failed one with its remedy", async () => {
    actions.startAccessCheckAction.mockResolvedValue(started("chk-1", [...planeSteps, step("token_valid", "waiting"), step("scopes", "waiting"), step("repository", "waiting")]));
    server.answer(
      "/api/diagnostics/access-checks/chk-1",
      { status: 200, body: runnerStatus("chk-1", false, [step("token_valid", "running"), step("scopes", "waiting"), step("repository", "waiting")]) },
      { status: 200, body: runnerStatus("chk-1", true, [step("token_valid", "passed"), step("scopes", "failed", "pat_missing_scopes", "Missing repo (granted: read:user)."), step("repository", "skipped")]) },
    );
    check();

    await waitFor(() => expect(stateOf("token_valid")).toBe("running"), WAIT);
    expect(announced()).toBe("Checking…");
    expect(stateOf("authorized")).toBe("passed");
    const [, form] = actions.startAccessCheckAction.mock.calls[0] as [null, FormData];
    expect(form.get("userEmail")).toBe(SUBJECT.userEmail);
    expect(form.get("repoUrl")).toBe("https://github.com/acme/app");
    expect(intervals.scheduled()).toHaveLength(1);

    intervals.tick();
    await waitFor(() => expect(announced()).toBe("Access is broken at the step marked ✗."), WAIT);
    expect(result().dataset.state).toBe("failed");
    expect(stateOf("scopes")).toBe("failed");
    expect(result().textContent).toContain("Missing repo (granted: read:user).");
    const alert = within(result()).getByRole("alert");
    expect(alert.dataset.errorCode).toBe("pat_missing_scopes");
    expect(alert.textContent).toContain(describeCode("pat_missing_scopes").entry.remedy);
    expect(intervals.scheduled()).toEqual([]);
    expect(server.count("/api/diagnostics/access-checks/chk-1")).toBe(2);
  });

  it("says every step passed once the runner is done", async () => {
    actions.startAccessCheckAction.mockResolvedValue(started("chk-2", [...planeSteps, step("token_valid", "waiting"), step("scopes", "waiting"), step("repository", "waiting")]));
    server.answer("/api/diagnostics/access-checks/chk-2", { status: 200, body: runnerStatus("chk-2", true, [step("token_valid", "passed"), step("scopes", "passed"), step("repository", "passed")]) });
    check();

    await waitFor(() => expect(announced()).toBe("Every step passed: the member can reach this repository."), WAIT);
    expect(result().dataset.state).toBe("passed");
    expect(within(result()).queryByRole("alert")).toBeNull();
    expect(intervals.scheduled()).toEqual([]);
  });

  it("asks the runner nothing when a plane step already failed", async () => {
    actions.startAccessCheckAction.mockResolvedValue(started(null, [step("runner_online", "failed", "runner_offline"), step("integration", "skipped"), step("authorized", "skipped")]));
    check();

    await waitFor(() => expect(announced()).toBe("Access is broken at the step marked ✗."), WAIT);
    expect(within(result()).getByRole("alert").dataset.errorCode).toBe("runner_offline");
    expect(server.requests).toEqual([]);
    expect(intervals.scheduled()).toEqual([]);
  });

  it("says it could not follow the check when its status is refused, and stops", async () => {
    actions.startAccessCheckAction.mockResolvedValue(started("chk-3", [...planeSteps, step("token_valid", "waiting")]));
    server.answer("/api/diagnostics/access-checks/chk-3", { status: 404, body: { error: { code: "not_found", entry: describeCode("not_found").entry } } });
    check();

    expect(await screen.findByText("Could not follow the check's progress", { exact: false }, WAIT)).toBeTruthy();
    expect(result().dataset.state).not.toBe("running");
    expect(server.count("/api/diagnostics/access-checks/chk-3")).toBe(1);
    expect(intervals.scheduled()).toEqual([]);
  });

  it("shows the action's field errors next to the fields, without starting a check", async () => {
    actions.startAccessCheckAction.mockResolvedValue({ ok: false, code: "not_found", message: "No member with this email", entry: describeCode("not_found").entry, fieldErrors: { userEmail: ["No member with this email"] } });
    check();

    await waitFor(() => expect(screen.getByLabelText("Member email").getAttribute("aria-invalid")).toBe("true"), WAIT);
    expect(screen.getByText("No member with this email")).toBeTruthy();
    expect(screen.queryByTestId("access-check")).toBeNull();
    expect(server.requests).toEqual([]);
  });
});
