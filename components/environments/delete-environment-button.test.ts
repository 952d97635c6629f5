// @vitest-environment happy-dom
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { createElement, Fragment } from "react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { inApp, ManualIntervals, recordingRouter, ScriptedServer, untilIdle, serveScripted } from "@/components/query/test-kit";
import { describeCode } from "@/lib/errors/catalogue";
import type { EnvironmentState } from "@/lib/environments/environment-state";
import { DeleteEnvironmentButton } from "./delete-environment-button";
import { EnvironmentStateCard, STATE_HEADING_ID } from "./environment-state-card";
import { ENVIRONMENT_POLL_MS, type EnvironmentSnapshot } from "./use-environment-state";

// The server action is the button's network edge (a POST to the plane): each test says what it answers.
const actions = vi.hoisted(() => ({ deleteEnvironmentAction: vi.fn() }));
vi.mock("@/app/(settings)/environments/actions", () => actions);

const intervals = new ManualIntervals().install();
const server = new ScriptedServer();
const WAIT = { timeout: 10_000 };
const ENV = { id: "env-1", name: "app-main", host: "github.com", ownedByViewer: true, ownerEmail: "dev@example.com" };

const snapshot = (status: EnvironmentState, progress: string | null = null): EnvironmentSnapshot => ({ id: ENV.id, status, progress, errorCode: null });

/** The environment's page: its state card and, while it can be deleted, the Delete button. */
function page(status: EnvironmentState, withButton = true) {
  return createElement(Fragment, null, withButton ? createElement(DeleteEnvironmentButton, { environment: ENV }) : null, createElement(EnvironmentStateCard, { environmentId: ENV.id, status, error: null, progress: null }));
}

function confirmDelete() {
  fireEvent.click(screen.getByRole("button", { name: "Delete environment" }));
  const dialog = screen.getByRole("dialog");
  fireEvent.click(within(dialog).getByRole("button", { name: "Delete environment" }));
  return dialog;
}

serveScripted(server);
beforeEach(() => actions.deleteEnvironmentAction.mockReset());

describe("DeleteEnvironmentButton", () => {
  it("says what deleting does and does not do before it deletes", () => {
    const { router } = recordingRouter();
    render(inApp(router, page("ready")));
    fireEvent.click(screen.getByRole("button", { name: "Delete environment" }));
    const dialog = screen.getByRole("dialog");
    expect(dialog.textContent).toContain("Delete the environment app-main?");
    expect(dialog.textContent).toContain("Nothing changes at the provider");
    expect(dialog.textContent).toContain("Your Git connection for github.com stays connected.");
    expect(actions.deleteEnvironmentAction).not.toHaveBeenCalled();
  });

  it("after the delete, the followed environment is asked about at once, not at its next interval", async () => {
    actions.deleteEnvironmentAction.mockResolvedValue({ ok: true, data: { jobId: "job-9" } });
    server.answer("/api/environments/env-1", { status: 200, body: snapshot("creating", "cloning") });
    const { router, calls } = recordingRouter();
    render(inApp(router, page("creating")));
    await waitFor(() => expect(server.count("/api/environments/env-1")).toBe(1), WAIT);
    await untilIdle();
    // Its interval is under the test's control and never runs here.
    expect(intervals.scheduled()).toEqual([ENVIRONMENT_POLL_MS]);

    server.answer("/api/environments/env-1", { status: 200, body: snapshot("deleting") });
    confirmDelete();

    await waitFor(() => expect(actions.deleteEnvironmentAction).toHaveBeenCalledWith(null, { environmentId: ENV.id }), WAIT);
    // No interval ran: the invalidation asked again, and the card saw the environment leave "creating".
    await waitFor(() => expect(server.count("/api/environments/env-1")).toBe(2), WAIT);
    await waitFor(() => expect(calls.filter((c) => c === "refresh")).toHaveLength(2), WAIT);
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("moves focus to the status once the refreshed page no longer shows the button", async () => {
    actions.deleteEnvironmentAction.mockResolvedValue({ ok: true, data: { jobId: "job-9" } });
    server.answer("/api/environments/env-1", { status: 200, body: snapshot("deleting") });
    const { router, calls } = recordingRouter();
    const { rerender } = render(inApp(router, page("ready")));
    confirmDelete();
    await waitFor(() => expect(calls).toEqual(["refresh"]), WAIT);

    // The refreshed page: the environment is being deleted and can no longer be deleted.
    rerender(inApp(router, page("deleting", false)));
    expect(document.activeElement).toBe(document.getElementById(STATE_HEADING_ID));
    expect(await screen.findByText("Deleting…", undefined, WAIT)).toBeTruthy();
    // The card follows the deletion from the refreshed page on.
    await waitFor(() => expect(server.count("/api/environments/env-1")).toBe(1), WAIT);
  });

  it("shows a refusal with its remedy and changes nothing", async () => {
    const { entry } = describeCode("forbidden");
    actions.deleteEnvironmentAction.mockResolvedValue({ ok: false, code: "forbidden", message: "Only the owner or an admin can delete this environment", entry });
    const { router, calls } = recordingRouter();
    render(inApp(router, page("ready")));
    confirmDelete();

    expect(await screen.findByText("Only the owner or an admin can delete this environment", undefined, WAIT)).toBeTruthy();
    expect(screen.getByText(entry.remedy)).toBeTruthy();
    expect(calls).toEqual([]);
    expect(server.requests).toEqual([]);
  });
});
