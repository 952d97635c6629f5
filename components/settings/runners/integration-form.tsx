"use client";

import { useRouter } from "next/navigation";
import Link from "next/link";
import { useEffect, useReducer, useRef, useTransition } from "react";
import { createIntegrationAction, updateIntegrationAction } from "@/app/(settings)/settings/runners/actions";
import { invalidateLive } from "@/components/query/invalidate";
import { queryKeys } from "@/components/query/keys";
import { Button } from "@/components/ui/button";
import { useHydrated } from "@/components/ui/use-hydrated";
import { ConfirmDialog } from "@/components/ui/dialog";
import { FormErrorAlert, type FormFieldRef } from "@/components/ui/error-alert-form";
import { useToast } from "@/components/ui/toast";
import { useFocusFirstInvalid } from "@/components/ui/use-focus-first-invalid";
import type { ActionResult } from "@/lib/actions/result";
import type { SaveIntegrationResult } from "@/lib/integrations/create-integration";
import { providerFields } from "@/lib/integrations/provider-fields";
import { baseUrlForPreview, hostForSealing } from "@/lib/integrations/seal-host";
import type { WithErrorDescriptions } from "@/lib/errors/error-description";
import { pendingOutcome, type TestOutcome } from "@/lib/integrations/pending-outcome";
import { getProvider } from "@/lib/providers";
import { fieldErrorsOf, initialFormState, integrationFormReducer, planSave, savePhaseOf, secretStateOf, type Failure, type SavedIntegration } from "./integration-form-state";
import { LocationFields, type LocationState } from "./location-fields";
import { OAuthFields } from "./oauth-fields";
import { PatFields } from "./pat-fields";
import { TestProgress } from "./test-progress";
import { useJobStatus } from "./use-job-status";

export { SAVED_UNTESTED, type SavedIntegration } from "./integration-form-state";

type Props = {
  runner: { id: string; publicKey: string | null };
  /** Pre-chosen for a new integration, so its callback URL can be registered before saving. */
  integrationId: string;
  callbackUrl: string;
  allowLoopback: boolean;
  /** Whether the loopback stand-in is offered for a provider without a self-hosted edition. */
  offerStandIn?: boolean;
  saved: SavedIntegration | null;
  /** With the descriptions of its codes (`describeCodes` on the server). */
  lastTest: WithErrorDescriptions<TestOutcome> | null;
  /** The integration was just created with "Save without testing" (the new form navigated here). */
  savedUntested?: boolean;
};

/** The fields the form shows now, which show their own errors; others' errors go in the box. */
function shownFields(location: LocationState, editing: boolean, oauthEnabled: boolean, patEnabled: boolean): Record<string, FormFieldRef> {
  const spec = providerFields[location.provider];
  return {
    ...(editing ? {} : { provider: { label: "Provider" } }),
    ...(!editing && location.deployment === "self_hosted" ? { host: { label: "Host" } } : {}),
    ...(spec.issuerUrl[location.deployment] !== "none" ? { issuerUrl: { label: "Microsoft Entra ID issuer URL" } } : {}),
    ...(spec.virtualDirectory[location.deployment] !== "none" ? { virtualDirectory: { label: "Virtual directory" } } : {}),
    ...(location.deployment === "self_hosted" ? { allowPrivateHosts: { label: "This host is on a private network" } } : {}),
    ...(oauthEnabled ? { oauthClientId: { label: "Client id" }, oauthClientSecret: { label: "Client secret" }, oauthScopes: { label: "OAuth scopes" } } : {}),
    ...(patEnabled ? { patScopes: { label: "Token scopes" } } : {}),
    methods: { label: "How people authenticate" },
  };
}

/**
 * Adds or edits one Git provider integration of a runner. The OAuth client secret is sealed here,
 * in the browser, to the runner's public key (context: purpose, runner, host) and only the sealed
 * box is sent. "Save & Test" saves and then follows the runner's checks, showing failures on the
 * fields they concern. Changes that disconnect people are confirmed first, with how many.
 */
export function IntegrationForm({ runner, integrationId, callbackUrl, allowLoopback, offerStandIn = false, saved, lastTest, savedUntested = false }: Props) {
  const hydrated = useHydrated();
  const router = useRouter();
  const toast = useToast();
  const editing = saved !== null;
  const [state, dispatch] = useReducer(integrationFormReducer, { saved, runnerPublicKey: runner.publicKey, lastTest, savedUntested }, initialFormState);
  // The runner may register or re-key while the form is open (the page refreshes with its new key).
  if (state.sealKey !== runner.publicKey) dispatch({ type: "runner_key_changed", publicKey: runner.publicKey, editing });
  const { location, oauthEnabled, clientId, secret, replacing, oauthScopes, patEnabled, patScopes, failure, localErrors, confirm, notice, jobId } = state;
  const [pending, startTransition] = useTransition();
  const job = useJobStatus(jobId);
  const progressRef = useRef<HTMLDivElement>(null);

  const provider = getProvider(location.provider);
  const secretState = secretStateOf(saved);
  const baseUrl = editing ? saved.baseUrl : baseUrlForPreview(location.provider, location.deployment, location.host);
  const endpoints = baseUrl ? provider.endpoints({ host: (editing ? saved.host : hostForSealing(location.provider, location.deployment, location.host)) ?? "", baseUrl, issuerUrl: location.issuerUrl || null, virtualDirectory: location.virtualDirectory || null }) : null;
  const outcome: TestOutcome | null = jobId ? (job.data ?? pendingOutcome(jobId)) : lastTest;
  const outcomeErrors = (jobId ? job.data?.errors : lastTest?.errors) ?? {};
  const errors = fieldErrorsOf(state, outcome);

  // A refusal of the server's, or of the form's own checks (a new object per refusal either way).
  const refusal: Failure | Record<string, string[]> | null = failure ?? (Object.keys(localErrors).length > 0 ? localErrors : null);
  const formRef = useFocusFirstInvalid(refusal);

  // Arrived from "Save without testing" on the new form: say so once, and drop the query so a reload does not repeat it.
  useEffect(() => {
    if (savedUntested) window.history.replaceState(null, "", window.location.pathname);
  }, [savedUntested]);

  // A new test starts below the form: bring its progress into view.
  useEffect(() => {
    if (jobId) progressRef.current?.scrollIntoView({ block: "nearest" });
  }, [jobId]);

  async function submit(test: boolean, confirmed = false) {
    dispatch({ type: "submit_started" });
    const step = planSave(state, { saved, runnerPublicKey: runner.publicKey, confirmed });
    if (step.kind === "refuse") return dispatch({ type: "refused", errors: step.errors });
    if (step.kind === "confirm") return dispatch({ type: "confirm_requested", test, users: step.users });
    let sealed: { box: string; host: string } | null = null;
    if (step.sealFor && runner.publicKey) {
      dispatch({ type: "sealing_started" });
      try {
        // Loaded on demand: the sealing library is large and only needed here.
        const { seal } = await import("@/lib/crypto/sealed-box");
        sealed = { box: await seal(runner.publicKey, { purpose: "oauth_client_secret", runnerId: runner.id, host: step.sealFor }, secret), host: step.sealFor };
      } finally {
        dispatch({ type: "sealing_finished" });
      }
    }
    const common = {
      oauthEnabled,
      oauthClientId: clientId,
      oauthClientSecretSealed: sealed?.box ?? null,
      oauthSecretHost: sealed?.host ?? null,
      oauthScopes,
      patEnabled,
      patScopes,
      issuerUrl: location.issuerUrl,
      virtualDirectory: location.virtualDirectory,
      allowPrivateHosts: location.deployment === "self_hosted" && location.allowPrivateHosts,
      test,
    };
    startTransition(async () => {
      const result: ActionResult<SaveIntegrationResult> = editing
        ? await updateIntegrationAction(null, { integrationId, ...common })
        : await createIntegrationAction(null, { integrationId, runnerId: runner.id, provider: location.provider, deployment: location.deployment, host: location.host, ...common });
      if (!result.ok) {
        dispatch({ type: "save_failed", failure: result });
        return;
      }
      const lost = result.data.disconnected.oauth + result.data.disconnected.pat;
      if (test || lost > 0) toast.show({ tone: "success", title: test ? "Saved; testing now" : "Saved", body: lost > 0 ? `${lost} ${lost === 1 ? "user was" : "users were"} disconnected.` : undefined });
      // The runner is what the test waits for: show whether it is online now, not at the badge's next poll.
      if (test) void invalidateLive(queryKeys.runners.status(runner.id));
      dispatch({ type: "saved", then: !editing ? "leave" : test ? { follow: result.data.jobId } : "untested" });
      // The edit page picks the running test up from the integration's last test, or says it saved untested.
      if (!editing) router.replace(`/settings/runners/${runner.id}/integrations/${result.data.integrationId}${test ? "" : "?saved=untested"}`);
    });
  }

  const phase = savePhaseOf(state, { pending, jobDone: job.data?.done ?? false, jobFailed: job.error !== null });
  const busy = phase === "sealing" || phase === "saving";
  const working = busy || phase === "testing";
  return (
    <div className="flex flex-col gap-6">
      <form
        ref={formRef}
        noValidate
        aria-label={editing ? `Edit ${saved.host}` : "Add a Git provider"}
        className="flex flex-col gap-6"
        onSubmit={(e) => {
          e.preventDefault();
          void submit(true);
        }}
      >
        <section aria-labelledby="where-heading" className="rounded-lg border border-gray-300 bg-white p-4">
          <h2 id="where-heading" className="mb-3 text-base font-semibold text-gray-900">
            Provider and host
          </h2>
          <LocationFields value={location} onChange={(patch) => dispatch({ type: "location_changed", patch })} onProviderChange={(next) => dispatch({ type: "provider_changed", provider: next })} locked={editing} allowLoopback={allowLoopback} offerStandIn={offerStandIn} errors={errors} />
        </section>
        <section aria-labelledby="methods-heading" className="rounded-lg border border-gray-300 bg-white p-4">
          <h2 id="methods-heading" className="mb-3 text-base font-semibold text-gray-900">
            How people authenticate
          </h2>
          <div className="flex flex-col gap-6">
            <OAuthFields
              enabled={oauthEnabled}
              onEnabledChange={(on) => dispatch({ type: "oauth_toggled", enabled: on })}
              callbackUrl={callbackUrl}
              registrationUrl={endpoints ? provider.oauthAppRegistrationUrl(endpoints) : null}
              providerName={provider.name}
              clientId={clientId}
              onClientIdChange={(v) => dispatch({ type: "client_id_changed", clientId: v })}
              secret={secret}
              onSecretChange={(v) => dispatch({ type: "secret_changed", secret: v })}
              secretState={secretState}
              replacing={replacing}
              onReplaceSecret={(on) => dispatch({ type: "replace_secret_toggled", replacing: on })}
              canSeal={runner.publicKey !== null}
              scopes={provider.oauthScopes}
              selectedScopes={oauthScopes}
              onScopesChange={(scopes) => dispatch({ type: "oauth_scopes_changed", scopes })}
              errors={errors}
            />
            <PatFields
              enabled={patEnabled}
              onEnabledChange={(on) => dispatch({ type: "pat_toggled", enabled: on })}
              patLabel={provider.patLabel}
              creationUrl={endpoints ? provider.patCreationUrl(endpoints, patScopes) : null}
              scopes={provider.patScopes}
              selectedScopes={patScopes}
              onScopesChange={(scopes) => dispatch({ type: "pat_scopes_changed", scopes })}
              errors={errors}
            />
            {errors.methods ? <p className="text-sm text-red-700">{errors.methods.join(" ")}</p> : null}
          </div>
        </section>
        <FormErrorAlert failure={failure ?? (refusal ? { code: "validation_failed", fieldErrors: localErrors } : null)} fields={shownFields(location, editing, oauthEnabled, patEnabled)} summary />
        {failure?.code === "host_taken" ? (
          <Link href={`/settings/runners/${runner.id}/integrations/existing?host=${encodeURIComponent(hostForSealing(location.provider, location.deployment, location.host) ?? "")}`} className="text-sm font-medium text-brand-700 underline">
            Edit the existing integration
          </Link>
        ) : null}
        <div className="flex flex-wrap gap-2">
          <Button type="submit" pending={working} disabled={!hydrated}>
            Save &amp; Test
          </Button>
          <Button variant="secondary" disabled={working || !hydrated} onClick={() => void submit(false)}>
            Save without testing
          </Button>
          <p role="status" className="basis-full text-sm text-gray-800" data-testid="integration-save-status">
            {notice ?? ""}
          </p>
        </div>
      </form>
      <div ref={progressRef}>{outcome ? <TestProgress outcome={outcome} errors={outcomeErrors} oauthEnabled={oauthEnabled} requestError={job.error ?? null} /> : null}</div>
      <ConfirmDialog
        open={confirm !== null}
        onClose={() => dispatch({ type: "confirm_closed" })}
        title="Disconnect people?"
        description={
          <>
            This change turns off {saved && saved.patEnabled && !patEnabled && saved.oauthEnabled && !oauthEnabled ? "OAuth and personal access tokens" : saved && saved.patEnabled && !patEnabled ? "personal access tokens" : "OAuth"} for {saved?.host}. The credentials of{" "}
            <strong>{confirm?.users === 1 ? "1 user" : `${confirm?.users ?? 0} users`}</strong> who connected that way are deleted; they must connect again with another method.
          </>
        }
        confirmLabel="Save and disconnect"
        pending={busy}
        onConfirm={() => {
          const test = confirm?.test ?? true;
          dispatch({ type: "confirm_closed" });
          void submit(test, true);
        }}
      />
    </div>
  );
}
