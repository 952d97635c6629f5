// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { createElement } from "react";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { inApp, recordingRouter } from "@/components/query/test-kit";
import type { ActionResult } from "@/lib/actions/result";
import { generateKeyPair, openSealed, type RunnerKeyPair } from "@/lib/crypto/sealed-box";
import { describeCode, type ErrorCode } from "@/lib/errors/catalogue";
import { PatConnectForm, type PatTarget } from "./pat-connect-form";

// The server actions are the form's network edge (a POST to the plane): each test says what they answer.
const actions = vi.hoisted(() => ({ connectPatAction: vi.fn(), startOAuthAction: vi.fn() }));
vi.mock("@/app/(settings)/settings/git-authentications/actions", () => actions);

const WAIT = { timeout: 10_000 };
const TOKEN = "ghp_canaryTokenValue0123456789abcdefABCD";
let keys: RunnerKeyPair;

type Connected = { login: string; scopes: string[] };
type Result = ActionResult<Connected>;
const refused = (code: ErrorCode, message: string, fieldErrors?: Record<string, string[]>): Result => ({ ok: false, code, message, entry: describeCode(code).entry, fieldErrors });

/** An action answer the test releases when it chooses, to look at the form while the runner validates. */
function deferred() {
  let resolve: (r: Result) => void = () => {};
  const promise = new Promise<Result>((r) => (resolve = r));
  return { promise, resolve };
}

const target = (patch: Partial<PatTarget> = {}): PatTarget => ({
  integrationId: "int-1",
  runnerId: "runner-1",
  runnerName: "build-01",
  host: "github.com",
  providerName: "GitHub",
  runnerPublicKey: keys.publicKey,
  oauthEnabled: true,
  provider: "github",
  baseUrl: "https://github.com",
  ...patch,
});

function show(t: PatTarget = target()) {
  const connected: Connected[] = [];
  const { router } = recordingRouter();
  render(inApp(router, createElement(PatConnectForm, { target: t, userId: "user-1", onConnected: (r: Connected) => connected.push(r) })));
  return connected;
}

const tokenField = () => screen.getByTestId("pat-token") as HTMLInputElement;
const status = () => within(screen.getByTestId("pat-form")).getAllByRole("status")[0]!.textContent;
function submit(token: string) {
  fireEvent.change(tokenField(), { target: { value: token } });
  fireEvent.click(screen.getByRole("button", { name: "Connect" }));
}
/** The token is nowhere in the page: not in its markup, not in any field's value. */
function expectTokenAbsent(token = TOKEN) {
  expect(document.documentElement.outerHTML).not.toContain(token);
  for (const input of document.querySelectorAll("input")) expect(input.value).not.toContain(token);
}

beforeAll(async () => {
  keys = await generateKeyPair();
});
beforeEach(() => {
  actions.connectPatAction.mockReset();
});
afterEach(cleanup);

describe("PatConnectForm", () => {
  it("lists the scopes the token needs and links to where it is created", () => {
    show(target({ patScopes: ["repo"] }));
    const scopes = screen.getByRole("list", { name: "Scopes the token needs" });
    expect(within(scopes).getAllByRole("listitem").map((li) => li.querySelector("code")?.textContent)).toEqual(["repo"]);
    expect(screen.getByRole("link", { name: /Create a token at GitHub/ }).getAttribute("href")).toContain("github.com");
    // No name: a form submitted without JavaScript cannot carry the token.
    expect(tokenField().hasAttribute("name")).toBe(false);
  });

  it("seals the token, shows the runner checking it with the field already cleared, then reports the connection", async () => {
    const answer = deferred();
    actions.connectPatAction.mockReturnValue(answer.promise);
    const connected = show();
    submit(TOKEN);

    await waitFor(() => expect(status()).toBe("The runner is checking the token with GitHub…"), WAIT);
    expect(tokenField().value).toBe("");
    expect(tokenField().disabled).toBe(true);
    expect(screen.getByRole("button", { name: "Connect" }).getAttribute("aria-busy")).toBe("true");
    expectTokenAbsent();

    const [, input] = actions.connectPatAction.mock.calls[0] as [null, { integrationId: string; patSealed: string; username?: string }];
    expect(input.integrationId).toBe("int-1");
    expect(input.username).toBeUndefined();
    expect(JSON.stringify(input)).not.toContain(TOKEN);
    expect((await openSealed(keys, input.patSealed, { purpose: "pat", runnerId: "runner-1", host: "github.com", userId: "user-1" })).value).toBe(TOKEN);

    answer.resolve({ ok: true, data: { login: "octocat", scopes: ["repo", "read:user"] } });
    await waitFor(() => expect(connected).toEqual([{ login: "octocat", scopes: ["repo", "read:user"] }]), WAIT);
    expect(status()).toBe("");
    expect(tokenField().disabled).toBe(false);
    expectTokenAbsent();
  });

  it("shows a typed failure with its remedy, focused, and an empty field to paste again", async () => {
    actions.connectPatAction.mockResolvedValue(refused("pat_invalid", "GitHub did not accept this token"));
    const connected = show();
    submit(TOKEN);

    const alert = await screen.findByRole("alert", undefined, WAIT);
    expect(alert.dataset.errorCode).toBe("pat_invalid");
    expect(alert.textContent).toContain("GitHub did not accept this token");
    expect(alert.textContent).toContain(describeCode("pat_invalid").entry.remedy);
    await waitFor(() => expect(document.activeElement).toBe(alert), WAIT);
    expect(tokenField().value).toBe("");
    expect(status()).toBe("");
    expect(connected).toEqual([]);
    expectTokenAbsent();
  });

  it("says which scopes are missing next to the token field, with the remedy, and focuses the field", async () => {
    const missing = "The token is missing the scope: repo.";
    actions.connectPatAction.mockResolvedValue(refused("pat_missing_scopes", missing, { token: [missing] }));
    show();
    submit(TOKEN);

    await waitFor(() => expect(tokenField().getAttribute("aria-invalid")).toBe("true"), WAIT);
    expect(screen.getAllByText(missing)).toHaveLength(1);
    const summary = screen.getByTestId("form-error-summary");
    expect(summary.textContent).toContain(describeCode("pat_missing_scopes").entry.title);
    expect(summary.textContent).toContain(describeCode("pat_missing_scopes").entry.remedy);
    await waitFor(() => expect(document.activeElement).toBe(tokenField()), WAIT);
    // The scopes to create the new token with are still listed above.
    expect(within(screen.getByRole("list", { name: "Scopes the token needs" })).getByText("repo")).toBeTruthy();
    expectTokenAbsent();
  });

  it("offers OAuth instead after 'operation cancelled', or says who can enable it", async () => {
    actions.connectPatAction.mockResolvedValue(refused("operation_aborted", ""));
    show();
    submit(TOKEN);
    expect(await screen.findByRole("button", { name: /Switch to OAuth/ }, WAIT)).toBeTruthy();
    cleanup();

    show(target({ oauthEnabled: false }));
    submit(TOKEN);
    const offer = await screen.findByTestId("pat-switch-to-oauth", undefined, WAIT);
    expect(offer.textContent).toContain("Ask an organization admin to enable it");
    expect(screen.queryByRole("button", { name: /Switch to OAuth/ })).toBeNull();
  });

  it("refuses a paste that cannot be a token before sealing, and clears it", async () => {
    show();
    submit("ghp_abc def");
    await waitFor(() => expect(tokenField().getAttribute("aria-invalid")).toBe("true"), WAIT);
    expect(screen.getByText("The token contains spaces or line breaks. Copy the token alone, without them.")).toBeTruthy();
    expect(tokenField().value).toBe("");
    expect(document.activeElement).toBe(tokenField());
    expect(actions.connectPatAction).not.toHaveBeenCalled();
  });

  it("asks for the Atlassian account email with a Bitbucket API token, and sends it", async () => {
    actions.connectPatAction.mockResolvedValue({ ok: true, data: { login: "dev", scopes: [] } });
    const connected = show(target({ provider: "bitbucket", providerName: "Bitbucket Cloud", host: "bitbucket.org", baseUrl: "https://bitbucket.org" }));
    submit("ATATT3xFfGF0canary");
    const email = screen.getByLabelText("Atlassian account email");
    await waitFor(() => expect(email.getAttribute("aria-invalid")).toBe("true"), WAIT);
    expect(actions.connectPatAction).not.toHaveBeenCalled();

    fireEvent.change(email, { target: { value: "dev@example.com" } });
    submit("ATATT3xFfGF0canary");
    await waitFor(() => expect(connected).toHaveLength(1), WAIT);
    expect((actions.connectPatAction.mock.calls[0] as [null, { username?: string }])[1].username).toBe("dev@example.com");
  });

  it("cannot be submitted before the runner has registered", () => {
    show(target({ runnerPublicKey: null }));
    expect(screen.getByText(/has not registered yet, so a token cannot be encrypted for it/)).toBeTruthy();
    expect((screen.getByRole("button", { name: "Connect" }) as HTMLButtonElement).disabled).toBe(true);
  });
});
