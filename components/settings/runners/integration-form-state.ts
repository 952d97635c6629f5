import type { ActionResult } from "@/lib/actions/result";
import { hostForSealing } from "@/lib/integrations/seal-host";
import type { TestOutcome } from "@/lib/integrations/pending-outcome";
import { getProvider, type ProviderId } from "@/lib/providers";
import type { LocationState } from "./location-fields";
import type { SecretState } from "./oauth-fields";

/** The saved integration the edit form starts from (never the secret: only whether one is stored). */
export type SavedIntegration = LocationState & {
  baseUrl: string;
  oauthEnabled: boolean;
  oauthClientId: string | null;
  oauthScopes: string[];
  hasClientSecret: boolean;
  secretNeedsReentry: boolean;
  patEnabled: boolean;
  patScopes: string[];
  oauthUsers: number;
  patUsers: number;
};

/** What "Save without testing" says once it has saved: no check ran, and how to run one. */
export const SAVED_UNTESTED = "Saved. Not tested: run Save & Test to check the runner can reach the host.";

/** A refusal of the server action's, with its typed code and the fields at fault. */
export type Failure = Extract<ActionResult<unknown>, { ok: false }>;

/**
 * Everything the integration form holds between renders. The client secret is held only as
 * typed, until it is sealed and saved; the secret already stored is never here.
 */
export type IntegrationFormState = {
  location: LocationState;
  oauthEnabled: boolean;
  /** The admin switched OAuth themselves: a runner registering while the form is open does not override that. */
  oauthTouched: boolean;
  /** The runner's public key as the form last saw it (a new one: the runner registered or re-keyed). */
  sealKey: string | null;
  clientId: string;
  secret: string;
  /** Replacing a stored client secret (an explicit choice; the stored one is never shown). */
  replacing: boolean;
  oauthScopes: string[];
  patEnabled: boolean;
  patScopes: string[];
  /** The server action's last refusal. */
  failure: Failure | null;
  /** The form's own refusals, before anything was sent. */
  localErrors: Record<string, string[]>;
  /** A save that disconnects people, waiting for the admin's confirmation. */
  confirm: { test: boolean; users: number } | null;
  notice: string | null;
  /** The client secret is being sealed to the runner's key. */
  sealing: boolean;
  /** The Save & Test job the form follows. */
  jobId: string | null;
};

export type IntegrationFormAction =
  | { type: "location_changed"; patch: Partial<LocationState> }
  | { type: "provider_changed"; provider: ProviderId }
  | { type: "runner_key_changed"; publicKey: string | null; editing: boolean }
  | { type: "oauth_toggled"; enabled: boolean }
  | { type: "client_id_changed"; clientId: string }
  | { type: "secret_changed"; secret: string }
  | { type: "replace_secret_toggled"; replacing: boolean }
  | { type: "oauth_scopes_changed"; scopes: string[] }
  | { type: "pat_toggled"; enabled: boolean }
  | { type: "pat_scopes_changed"; scopes: string[] }
  | { type: "submit_started" }
  | { type: "refused"; errors: Record<string, string[]> }
  | { type: "confirm_requested"; test: boolean; users: number }
  | { type: "confirm_closed" }
  | { type: "sealing_started" }
  | { type: "sealing_finished" }
  | { type: "save_failed"; failure: Failure }
  /** Saved: follow the test job (edit form), say it saved untested (edit form), or leave for the edit page (new form). */
  | { type: "saved"; then: { follow: string | null } | "untested" | "leave" };

const defaultScopes = (provider: ProviderId) => ({
  oauthScopes: getProvider(provider).oauthScopes.map((s) => s.scope),
  patScopes: getProvider(provider).patScopes.map((s) => s.scope),
});

/**
 * The form as it opens: the saved integration's values (edit) or GitHub's cloud with the
 * provider's default scopes (new), OAuth on when the runner can be sealed to, and the last test
 * followed while it still runs.
 */
export function initialFormState(opts: { saved: SavedIntegration | null; runnerPublicKey: string | null; lastTest: TestOutcome | null; savedUntested: boolean }): IntegrationFormState {
  const { saved } = opts;
  const location: LocationState = saved
    ? { provider: saved.provider, deployment: saved.deployment, host: saved.host, issuerUrl: saved.issuerUrl, virtualDirectory: saved.virtualDirectory, allowPrivateHosts: saved.allowPrivateHosts }
    : { provider: "github", deployment: "cloud", host: "", issuerUrl: "", virtualDirectory: "", allowPrivateHosts: false };
  return {
    location,
    oauthEnabled: saved?.oauthEnabled ?? opts.runnerPublicKey !== null,
    oauthTouched: false,
    sealKey: opts.runnerPublicKey,
    clientId: saved?.oauthClientId ?? "",
    secret: "",
    replacing: false,
    oauthScopes: saved?.oauthScopes ?? defaultScopes(location.provider).oauthScopes,
    patEnabled: saved?.patEnabled ?? true,
    patScopes: saved?.patScopes ?? defaultScopes(location.provider).patScopes,
    failure: null,
    localErrors: {},
    confirm: null,
    notice: opts.savedUntested ? SAVED_UNTESTED : null,
    sealing: false,
    jobId: opts.lastTest && !opts.lastTest.done ? opts.lastTest.jobId : null,
  };
}

/** The integration form's state transitions; pure, so each can be tested without rendering. */
export function integrationFormReducer(state: IntegrationFormState, action: IntegrationFormAction): IntegrationFormState {
  switch (action.type) {
    case "location_changed":
      return { ...state, location: { ...state.location, ...action.patch } };
    case "provider_changed": {
      // What belongs to the previous provider (its self-hosted fields, its scopes) does not carry over.
      const scopes = defaultScopes(action.provider);
      return { ...state, location: { ...state.location, provider: action.provider, deployment: "cloud", issuerUrl: "", virtualDirectory: "", allowPrivateHosts: false }, ...scopes };
    }
    case "runner_key_changed":
      // The runner registered (or re-keyed) while the form was open: OAuth becomes possible.
      return { ...state, sealKey: action.publicKey, oauthEnabled: !action.editing && action.publicKey && !state.oauthTouched ? true : state.oauthEnabled };
    case "oauth_toggled":
      return { ...state, oauthEnabled: action.enabled, oauthTouched: true };
    case "client_id_changed":
      return { ...state, clientId: action.clientId };
    case "secret_changed":
      return { ...state, secret: action.secret };
    case "replace_secret_toggled":
      return { ...state, replacing: action.replacing };
    case "oauth_scopes_changed":
      return { ...state, oauthScopes: action.scopes };
    case "pat_toggled":
      return { ...state, patEnabled: action.enabled };
    case "pat_scopes_changed":
      return { ...state, patScopes: action.scopes };
    case "submit_started":
      return { ...state, failure: null, localErrors: {}, notice: null };
    case "refused":
      return { ...state, localErrors: action.errors };
    case "confirm_requested":
      return { ...state, confirm: { test: action.test, users: action.users } };
    case "confirm_closed":
      return { ...state, confirm: null };
    case "sealing_started":
      return { ...state, sealing: true };
    case "sealing_finished":
      return { ...state, sealing: false };
    case "save_failed":
      return { ...state, failure: action.failure };
    case "saved": {
      const next = { ...state, secret: "", replacing: false };
      if (action.then === "leave") return next;
      if (action.then === "untested") return { ...next, notice: SAVED_UNTESTED };
      return { ...next, jobId: action.then.follow };
    }
  }
}

/** Whether the form asks for a client secret: none stored, one the runner can no longer open, or the admin replaces it. */
export function secretStateOf(saved: SavedIntegration | null): SecretState {
  if (!saved?.hasClientSecret || !saved.oauthEnabled) return "enter";
  return saved.secretNeedsReentry ? "reenter" : "stored";
}

/** Whether saving now needs a newly typed client secret. */
export function needsNewSecret(state: IntegrationFormState, saved: SavedIntegration | null): boolean {
  return state.oauthEnabled && (secretStateOf(saved) !== "stored" || state.replacing);
}

/** How many people a save disconnects: those who connected with a method it turns off. */
export function usersDisconnected(state: IntegrationFormState, saved: SavedIntegration | null): number {
  if (!saved) return 0;
  return (saved.patEnabled && !state.patEnabled ? saved.patUsers : 0) + (saved.oauthEnabled && !state.oauthEnabled ? saved.oauthUsers : 0);
}

/** What a submission does next: refuse with field errors, ask to confirm disconnecting people, or save (sealing the secret for `sealFor`). */
export type SaveStep = { kind: "refuse"; errors: Record<string, string[]> } | { kind: "confirm"; users: number } | { kind: "save"; sealFor: string | null };

/** Decides a submission's next step from the form alone, in the order the admin is told: the secret, then who loses access, then sealing. */
export function planSave(state: IntegrationFormState, opts: { saved: SavedIntegration | null; runnerPublicKey: string | null; confirmed: boolean }): SaveStep {
  const { saved } = opts;
  const newSecret = needsNewSecret(state, saved);
  if (newSecret && !state.secret) return { kind: "refuse", errors: { oauthClientSecret: ["Enter the OAuth application's client secret"] } };
  if (saved && !opts.confirmed) {
    const users = usersDisconnected(state, saved);
    if (users > 0) return { kind: "confirm", users };
  }
  if (!newSecret) return { kind: "save", sealFor: null };
  const { location } = state;
  const host = saved ? saved.host : hostForSealing(location.provider, location.deployment, location.host);
  if (!host) return { kind: "refuse", errors: { host: ["Enter the host name of your instance"] } };
  if (!opts.runnerPublicKey) return { kind: "refuse", errors: { oauthClientSecret: ["The runner has not registered yet, so the secret cannot be sealed to it"] } };
  return { kind: "save", sealFor: host };
}

/**
 * Where Save & Test is: the secret being sealed, the action saving, the runner testing, or the
 * test done (or no longer followable); `editing` when none of these.
 */
export type SavePhase = "editing" | "sealing" | "saving" | "testing" | "tested";

export function savePhaseOf(state: IntegrationFormState, opts: { pending: boolean; jobDone: boolean; jobFailed: boolean }): SavePhase {
  if (state.sealing) return "sealing";
  if (opts.pending) return "saving";
  if (state.jobId === null) return "editing";
  return opts.jobDone || opts.jobFailed ? "tested" : "testing";
}

/**
 * The errors shown next to the fields: the finished test's, overridden by the action's refusal,
 * overridden by the form's own.
 */
export function fieldErrorsOf(state: IntegrationFormState, outcome: TestOutcome | null): Record<string, string[] | undefined> {
  const testErrors = outcome?.done ? (outcome.fieldErrors ?? {}) : {};
  return { ...testErrors, ...(state.failure?.fieldErrors ?? {}), ...state.localErrors };
}
