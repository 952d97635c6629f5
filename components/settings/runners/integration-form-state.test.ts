import { describe, expect, it } from "vitest";
import { describeCode } from "@/lib/errors/catalogue";
import { pendingOutcome, type TestOutcome } from "@/lib/integrations/test-outcome";
import { getProvider } from "@/lib/providers";
import {
  fieldErrorsOf,
  initialFormState,
  integrationFormReducer,
  needsNewSecret,
  planSave,
  SAVED_UNTESTED,
  savePhaseOf,
  secretStateOf,
  usersDisconnected,
  type Failure,
  type IntegrationFormAction,
  type IntegrationFormState,
  type SavedIntegration,
} from "./integration-form-state";

const KEY = "runner-public-key";
const scopesOf = (id: "github" | "gitlab" | "bitbucket" | "azure_devops") => ({ oauth: getProvider(id).oauthScopes.map((s) => s.scope), pat: getProvider(id).patScopes.map((s) => s.scope) });

const saved = (patch: Partial<SavedIntegration> = {}): SavedIntegration => ({
  provider: "gitlab",
  deployment: "self_hosted",
  host: "gitlab.example.com",
  issuerUrl: "",
  virtualDirectory: "",
  allowPrivateHosts: true,
  baseUrl: "https://gitlab.example.com",
  oauthEnabled: true,
  oauthClientId: "client-1",
  oauthScopes: ["api"],
  hasClientSecret: true,
  secretNeedsReentry: false,
  patEnabled: true,
  patScopes: ["api", "read_user"],
  oauthUsers: 3,
  patUsers: 2,
  ...patch,
});

const fresh = (runnerPublicKey: string | null = KEY) => initialFormState({ saved: null, runnerPublicKey, lastTest: null, savedUntested: false });
const run = (state: IntegrationFormState, ...actions: IntegrationFormAction[]) => actions.reduce(integrationFormReducer, state);
const refusal = (fieldErrors?: Record<string, string[]>): Failure => ({ ok: false, code: "validation_failed", message: "Check the fields", entry: describeCode("validation_failed").entry, fieldErrors });
const finished = (patch: Partial<TestOutcome>): TestOutcome => ({ ...pendingOutcome("job-1"), status: "succeeded", done: true, ok: true, ...patch });

describe("initialFormState", () => {
  it("opens a new integration on GitHub.com with GitHub's default scopes, OAuth on once the runner can be sealed to", () => {
    const state = fresh();
    expect(state.location).toEqual({ provider: "github", deployment: "cloud", host: "", issuerUrl: "", virtualDirectory: "", allowPrivateHosts: false });
    expect(state.oauthScopes).toEqual(scopesOf("github").oauth);
    expect(state.patScopes).toEqual(scopesOf("github").pat);
    expect(state.oauthEnabled).toBe(true);
    expect(state.patEnabled).toBe(true);
    expect(state.secret).toBe("");
    expect(state.jobId).toBeNull();
    expect(state.notice).toBeNull();
    // Without a runner key nothing can be sealed: OAuth starts off.
    expect(fresh(null).oauthEnabled).toBe(false);
  });

  it("starts an edit from the saved integration, never with a secret", () => {
    const state = initialFormState({ saved: saved(), runnerPublicKey: KEY, lastTest: null, savedUntested: false });
    expect(state.location).toEqual({ provider: "gitlab", deployment: "self_hosted", host: "gitlab.example.com", issuerUrl: "", virtualDirectory: "", allowPrivateHosts: true });
    expect(state.clientId).toBe("client-1");
    expect(state.oauthScopes).toEqual(["api"]);
    expect(state.patScopes).toEqual(["api", "read_user"]);
    expect(state.secret).toBe("");
  });

  it("follows the last test while it still runs, and says when the new form saved untested", () => {
    expect(initialFormState({ saved: saved(), runnerPublicKey: KEY, lastTest: pendingOutcome("job-7"), savedUntested: false }).jobId).toBe("job-7");
    expect(initialFormState({ saved: saved(), runnerPublicKey: KEY, lastTest: finished({ jobId: "job-6" }), savedUntested: false }).jobId).toBeNull();
    expect(initialFormState({ saved: saved(), runnerPublicKey: KEY, lastTest: null, savedUntested: true }).notice).toBe(SAVED_UNTESTED);
  });
});

describe("integrationFormReducer: fields", () => {
  it("changes one location field at a time", () => {
    const state = run(fresh(), { type: "location_changed", patch: { deployment: "self_hosted" } }, { type: "location_changed", patch: { host: "ghe.example.com" } });
    expect(state.location).toMatchObject({ provider: "github", deployment: "self_hosted", host: "ghe.example.com" });
  });

  it("resets what belongs to the previous provider when the provider changes: deployment, Entra issuer, virtual directory, private network, scopes", () => {
    const azure = run(
      fresh(),
      { type: "provider_changed", provider: "azure_devops" },
      { type: "location_changed", patch: { deployment: "self_hosted", host: "tfs.example.com", issuerUrl: "https://login.microsoftonline.com/t/v2.0", virtualDirectory: "tfs", allowPrivateHosts: true } },
      { type: "oauth_scopes_changed", scopes: ["offline_access"] },
      { type: "pat_scopes_changed", scopes: [] },
    );
    const gitlab = integrationFormReducer(azure, { type: "provider_changed", provider: "gitlab" });
    expect(gitlab.location).toEqual({ provider: "gitlab", deployment: "cloud", host: "tfs.example.com", issuerUrl: "", virtualDirectory: "", allowPrivateHosts: false });
    expect(gitlab.oauthScopes).toEqual(scopesOf("gitlab").oauth);
    expect(gitlab.patScopes).toEqual(scopesOf("gitlab").pat);
  });

  it("keeps what is not the provider's when the provider changes: methods, client id, typed secret", () => {
    const state = run(fresh(), { type: "pat_toggled", enabled: false }, { type: "client_id_changed", clientId: "abc" }, { type: "secret_changed", secret: "s3cret" }, { type: "provider_changed", provider: "bitbucket" });
    expect(state).toMatchObject({ patEnabled: false, oauthEnabled: true, clientId: "abc", secret: "s3cret" });
  });

  it("sets each OAuth and token field", () => {
    const state = run(
      fresh(),
      { type: "client_id_changed", clientId: "id-2" },
      { type: "secret_changed", secret: "shh" },
      { type: "replace_secret_toggled", replacing: true },
      { type: "oauth_scopes_changed", scopes: ["repo"] },
      { type: "pat_toggled", enabled: false },
      { type: "pat_scopes_changed", scopes: ["read:user"] },
    );
    expect(state).toMatchObject({ clientId: "id-2", secret: "shh", replacing: true, oauthScopes: ["repo"], patEnabled: false, patScopes: ["read:user"] });
    expect(integrationFormReducer(state, { type: "replace_secret_toggled", replacing: false }).replacing).toBe(false);
  });

  it("turns OAuth on when the runner registers while a new form is open, unless the admin chose", () => {
    const waiting = fresh(null);
    expect(integrationFormReducer(waiting, { type: "runner_key_changed", publicKey: KEY, editing: false })).toMatchObject({ sealKey: KEY, oauthEnabled: true });

    const chosen = run(waiting, { type: "oauth_toggled", enabled: false });
    expect(chosen.oauthTouched).toBe(true);
    expect(integrationFormReducer(chosen, { type: "runner_key_changed", publicKey: KEY, editing: false })).toMatchObject({ sealKey: KEY, oauthEnabled: false });

    // An edit keeps the saved choice; a key that goes away changes nothing but the key.
    const edit = initialFormState({ saved: saved({ oauthEnabled: false }), runnerPublicKey: null, lastTest: null, savedUntested: false });
    expect(integrationFormReducer(edit, { type: "runner_key_changed", publicKey: KEY, editing: true }).oauthEnabled).toBe(false);
    expect(integrationFormReducer(fresh(), { type: "runner_key_changed", publicKey: null, editing: false })).toMatchObject({ sealKey: null, oauthEnabled: true });
  });
});

describe("integrationFormReducer: Save & Test", () => {
  it("clears the previous refusal, the form's own errors and the notice when a submission starts", () => {
    const before = { ...fresh(), failure: refusal({ host: ["Taken"] }), localErrors: { oauthClientSecret: ["Enter it"] }, notice: SAVED_UNTESTED };
    expect(integrationFormReducer(before, { type: "submit_started" })).toMatchObject({ failure: null, localErrors: {}, notice: null });
  });

  it("keeps the form's own refusal per field", () => {
    const state = integrationFormReducer(fresh(), { type: "refused", errors: { host: ["Enter the host name of your instance"] } });
    expect(state.localErrors).toEqual({ host: ["Enter the host name of your instance"] });
  });

  it("asks for confirmation and closes it", () => {
    const asking = integrationFormReducer(fresh(), { type: "confirm_requested", test: false, users: 5 });
    expect(asking.confirm).toEqual({ test: false, users: 5 });
    expect(integrationFormReducer(asking, { type: "confirm_closed" }).confirm).toBeNull();
  });

  it("goes through sealing, saving, testing and tested", () => {
    const idle = { pending: false, jobDone: false, jobFailed: false };
    let state = run(fresh(), { type: "secret_changed", secret: "shh" });
    expect(savePhaseOf(state, idle)).toBe("editing");
    state = integrationFormReducer(state, { type: "sealing_started" });
    expect(savePhaseOf(state, idle)).toBe("sealing");
    state = integrationFormReducer(state, { type: "sealing_finished" });
    expect(savePhaseOf(state, { ...idle, pending: true })).toBe("saving");
    state = integrationFormReducer(state, { type: "saved", then: { follow: "job-2" } });
    expect(state).toMatchObject({ jobId: "job-2", secret: "", replacing: false });
    expect(savePhaseOf(state, idle)).toBe("testing");
    expect(savePhaseOf(state, { ...idle, jobDone: true })).toBe("tested");
    // A status request that was refused ends the following too.
    expect(savePhaseOf(state, { ...idle, jobFailed: true })).toBe("tested");
  });

  it("after saving, forgets the typed secret; says 'not tested' for Save without testing; leaves the new form as it was", () => {
    const typed = run(fresh(), { type: "secret_changed", secret: "shh" }, { type: "replace_secret_toggled", replacing: true });
    expect(integrationFormReducer(typed, { type: "saved", then: "untested" })).toMatchObject({ secret: "", replacing: false, notice: SAVED_UNTESTED, jobId: null });
    const left = integrationFormReducer({ ...typed, jobId: "job-0" }, { type: "saved", then: "leave" });
    expect(left).toMatchObject({ secret: "", replacing: false, notice: null, jobId: "job-0" });
  });

  it("keeps the action's typed refusal, with its field errors", () => {
    const failure = refusal({ host: ["An integration for this host exists"] });
    expect(integrationFormReducer(fresh(), { type: "save_failed", failure }).failure).toBe(failure);
  });
});

describe("field errors", () => {
  it("shows a finished test's field errors, overridden by the action's, overridden by the form's own", () => {
    const outcome = finished({ ok: false, fieldErrors: { host: ["Host unreachable"], oauthClientId: ["OAuth client rejected"] } });
    const state = { ...fresh(), failure: refusal({ oauthClientId: ["Enter a client id"], issuerUrl: ["Not a URL"] }), localErrors: { issuerUrl: ["Enter the issuer"] } };
    expect(fieldErrorsOf(state, outcome)).toEqual({ host: ["Host unreachable"], oauthClientId: ["Enter a client id"], issuerUrl: ["Enter the issuer"] });
  });

  it("shows no test errors while the test still runs", () => {
    expect(fieldErrorsOf(fresh(), { ...pendingOutcome("job-1"), fieldErrors: { host: ["stale"] } })).toEqual({});
    expect(fieldErrorsOf(fresh(), null)).toEqual({});
  });
});

describe("planSave", () => {
  const ready = run(fresh(), { type: "secret_changed", secret: "shh" });

  it("asks for the client secret first when one is needed", () => {
    expect(planSave(fresh(), { saved: null, runnerPublicKey: KEY, confirmed: false })).toEqual({ kind: "refuse", errors: { oauthClientSecret: ["Enter the OAuth application's client secret"] } });
  });

  it("seals for the provider's cloud host, or the normalized self-hosted host", () => {
    expect(planSave(ready, { saved: null, runnerPublicKey: KEY, confirmed: false })).toEqual({ kind: "save", sealFor: "github.com" });
    const selfHosted = run(ready, { type: "location_changed", patch: { deployment: "self_hosted", host: "GHE.Example.com:443" } });
    expect(planSave(selfHosted, { saved: null, runnerPublicKey: KEY, confirmed: false })).toEqual({ kind: "save", sealFor: "ghe.example.com" });
  });

  it("refuses to seal without a host or without a runner key", () => {
    const noHost = run(ready, { type: "location_changed", patch: { deployment: "self_hosted", host: " " } });
    expect(planSave(noHost, { saved: null, runnerPublicKey: KEY, confirmed: false })).toEqual({ kind: "refuse", errors: { host: ["Enter the host name of your instance"] } });
    expect(planSave(ready, { saved: null, runnerPublicKey: null, confirmed: false })).toEqual({ kind: "refuse", errors: { oauthClientSecret: ["The runner has not registered yet, so the secret cannot be sealed to it"] } });
  });

  it("saves without sealing when OAuth is off or the stored secret is kept", () => {
    const tokensOnly = run(fresh(), { type: "oauth_toggled", enabled: false });
    expect(planSave(tokensOnly, { saved: null, runnerPublicKey: KEY, confirmed: false })).toEqual({ kind: "save", sealFor: null });
    const edit = initialFormState({ saved: saved(), runnerPublicKey: KEY, lastTest: null, savedUntested: false });
    expect(planSave(edit, { saved: saved(), runnerPublicKey: KEY, confirmed: false })).toEqual({ kind: "save", sealFor: null });
    // Replacing it seals the new one for the saved host.
    const replacing = run(edit, { type: "replace_secret_toggled", replacing: true }, { type: "secret_changed", secret: "new" });
    expect(planSave(replacing, { saved: saved(), runnerPublicKey: KEY, confirmed: false })).toEqual({ kind: "save", sealFor: "gitlab.example.com" });
  });

  it("asks to confirm before turning off a method people use, with how many, unless confirmed", () => {
    const edit = initialFormState({ saved: saved(), runnerPublicKey: KEY, lastTest: null, savedUntested: false });
    const noTokens = run(edit, { type: "pat_toggled", enabled: false });
    expect(usersDisconnected(noTokens, saved())).toBe(2);
    expect(planSave(noTokens, { saved: saved(), runnerPublicKey: KEY, confirmed: false })).toEqual({ kind: "confirm", users: 2 });
    expect(planSave(noTokens, { saved: saved(), runnerPublicKey: KEY, confirmed: true })).toEqual({ kind: "save", sealFor: null });
    const neither = run(noTokens, { type: "oauth_toggled", enabled: false });
    expect(usersDisconnected(neither, saved())).toBe(5);
    // Nobody connected that way: nothing to confirm.
    expect(planSave(noTokens, { saved: saved({ patUsers: 0 }), runnerPublicKey: KEY, confirmed: false })).toEqual({ kind: "save", sealFor: null });
  });
});

describe("secretStateOf", () => {
  it("asks to enter, re-enter, or keeps the stored secret", () => {
    expect(secretStateOf(null)).toBe("enter");
    expect(secretStateOf(saved({ hasClientSecret: false }))).toBe("enter");
    expect(secretStateOf(saved({ oauthEnabled: false }))).toBe("enter");
    expect(secretStateOf(saved({ secretNeedsReentry: true }))).toBe("reenter");
    expect(secretStateOf(saved())).toBe("stored");
    const edit = initialFormState({ saved: saved({ secretNeedsReentry: true }), runnerPublicKey: KEY, lastTest: null, savedUntested: false });
    expect(needsNewSecret(edit, saved({ secretNeedsReentry: true }))).toBe(true);
  });
});
