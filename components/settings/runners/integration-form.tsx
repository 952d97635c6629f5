"use client";

import { useRouter } from "next/navigation";
import Link from "next/link";
import { useEffect, useRef, useState, useTransition } from "react";
import { createIntegrationAction, updateIntegrationAction } from "@/app/(settings)/settings/runners/actions";
import { invalidateLive } from "@/components/query/invalidate";
import { queryKeys } from "@/components/query/keys";
import { Button } from "@/components/ui/button";
import { useHydrated } from "@/components/ui/use-hydrated";
import { ConfirmDialog } from "@/components/ui/dialog";
import { ErrorAlert } from "@/components/ui/error-alert";
import { useToast } from "@/components/ui/toast";
import type { ActionResult } from "@/lib/actions/result";
import type { SaveIntegrationResult } from "@/lib/integrations/create-integration";
import { baseUrlForPreview, hostForSealing } from "@/lib/integrations/seal-host";
import { pendingOutcome, type TestOutcome } from "@/lib/integrations/test-outcome";
import { getProvider, type ProviderId } from "@/lib/providers";
import { LocationFields, type LocationState } from "./location-fields";
import { OAuthFields, type SecretState } from "./oauth-fields";
import { PatFields } from "./pat-fields";
import { TestProgress } from "./test-progress";
import { useJobStatus } from "./use-job-status";

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

type Props = {
  runner: { id: string; publicKey: string | null };
  /** Pre-chosen for a new integration, so its callback URL can be registered before saving. */
  integrationId: string;
  callbackUrl: string;
  allowLoopback: boolean;
  saved: SavedIntegration | null;
  lastTest: TestOutcome | null;
};

type Failure = Extract<ActionResult<unknown>, { ok: false }>;

const defaults = (provider: ProviderId) => ({
  oauthScopes: getProvider(provider).oauthScopes.map((s) => s.scope),
  patScopes: getProvider(provider).patScopes.map((s) => s.scope),
});

/**
 * Adds or edits one Git provider integration of a runner. The OAuth client secret is sealed here,
 * in the browser, to the runner's public key (context: purpose, runner, host) and only the sealed
 * box is sent. "Save & Test" saves and then follows the runner's checks, showing failures on the
 * fields they concern. Changes that disconnect people are confirmed first, with how many.
 */
export function IntegrationForm({ runner, integrationId, callbackUrl, allowLoopback, saved, lastTest }: Props) {
  const hydrated = useHydrated();
  const router = useRouter();
  const toast = useToast();
  const formRef = useRef<HTMLFormElement>(null);
  const editing = saved !== null;
  const [location, setLocation] = useState<LocationState>(
    () =>
      saved
        ? { provider: saved.provider, deployment: saved.deployment, host: saved.host, issuerUrl: saved.issuerUrl, virtualDirectory: saved.virtualDirectory, allowPrivateHosts: saved.allowPrivateHosts }
        : { provider: "github", deployment: "cloud", host: "", issuerUrl: "", virtualDirectory: "", allowPrivateHosts: false },
  );
  const [oauthEnabled, setOauthEnabled] = useState(saved?.oauthEnabled ?? runner.publicKey !== null);
  const [oauthTouched, setOauthTouched] = useState(false);
  const [sealKey, setSealKey] = useState(runner.publicKey);
  if (sealKey !== runner.publicKey) {
    // The runner registered (or re-keyed) while the form was open: OAuth becomes possible.
    setSealKey(runner.publicKey);
    if (!editing && runner.publicKey && !oauthTouched) setOauthEnabled(true);
  }
  const [clientId, setClientId] = useState(saved?.oauthClientId ?? "");
  const [secret, setSecret] = useState("");
  const [replacing, setReplacing] = useState(false);
  const [oauthScopes, setOauthScopes] = useState(saved?.oauthScopes ?? defaults(location.provider).oauthScopes);
  const [patEnabled, setPatEnabled] = useState(saved?.patEnabled ?? true);
  const [patScopes, setPatScopes] = useState(saved?.patScopes ?? defaults(location.provider).patScopes);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [localErrors, setLocalErrors] = useState<Record<string, string[]>>({});
  const [confirm, setConfirm] = useState<{ test: boolean; users: number } | null>(null);
  const [sealing, setSealing] = useState(false);
  const [pending, startTransition] = useTransition();
  const [jobId, setJobId] = useState<string | null>(lastTest && !lastTest.done ? lastTest.jobId : null);
  const job = useJobStatus(jobId);
  const progressRef = useRef<HTMLDivElement>(null);

  const provider = getProvider(location.provider);
  const secretState: SecretState = !saved?.hasClientSecret || !saved.oauthEnabled ? "enter" : saved.secretNeedsReentry ? "reenter" : "stored";
  const needsNewSecret = oauthEnabled && (secretState !== "stored" || replacing);
  const baseUrl = editing ? saved.baseUrl : baseUrlForPreview(location.provider, location.deployment, location.host);
  const endpoints = baseUrl ? provider.endpoints({ host: (editing ? saved.host : hostForSealing(location.provider, location.deployment, location.host)) ?? "", baseUrl, issuerUrl: location.issuerUrl || null, virtualDirectory: location.virtualDirectory || null }) : null;
  const outcome: TestOutcome | null = jobId ? (job.data ?? pendingOutcome(jobId)) : lastTest;
  const testErrors = outcome?.done ? (outcome.fieldErrors ?? {}) : {};
  const errors: Record<string, string[] | undefined> = { ...testErrors, ...(failure?.fieldErrors ?? {}), ...localErrors };

  // After a refused save, move focus to the first field that needs attention.
  useEffect(() => {
    if (!failure && Object.keys(localErrors).length === 0) return;
    formRef.current?.querySelector<HTMLElement>("[aria-invalid='true']")?.focus();
  }, [failure, localErrors]);

  // A new test starts below the form: bring its progress into view.
  useEffect(() => {
    if (jobId) progressRef.current?.scrollIntoView({ block: "nearest" });
  }, [jobId]);

  function changeProvider(next: ProviderId) {
    setLocation((l) => ({ ...l, provider: next, deployment: "cloud", issuerUrl: "", virtualDirectory: "", allowPrivateHosts: false }));
    setOauthScopes(defaults(next).oauthScopes);
    setPatScopes(defaults(next).patScopes);
  }

  async function submit(test: boolean, confirmed = false) {
    setFailure(null);
    setLocalErrors({});
    if (needsNewSecret && !secret) {
      setLocalErrors({ oauthClientSecret: ["Enter the OAuth application's client secret"] });
      return;
    }
    if (editing && !confirmed) {
      const users = (saved.patEnabled && !patEnabled ? saved.patUsers : 0) + (saved.oauthEnabled && !oauthEnabled ? saved.oauthUsers : 0);
      if (users > 0) {
        setConfirm({ test, users });
        return;
      }
    }
    let sealed: { box: string; host: string } | null = null;
    if (oauthEnabled && needsNewSecret) {
      const host = editing ? saved.host : hostForSealing(location.provider, location.deployment, location.host);
      if (!host) {
        setLocalErrors({ host: ["Enter the host name of your instance"] });
        return;
      }
      if (!runner.publicKey) {
        setLocalErrors({ oauthClientSecret: ["The runner has not registered yet, so the secret cannot be sealed to it"] });
        return;
      }
      setSealing(true);
      try {
        // Loaded on demand: the sealing library is large and only needed here.
        const { seal } = await import("@/lib/crypto/sealed-box");
        sealed = { box: await seal(runner.publicKey, { purpose: "oauth_client_secret", runnerId: runner.id, host }, secret), host };
      } finally {
        setSealing(false);
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
        setFailure(result);
        return;
      }
      setSecret("");
      setReplacing(false);
      const lost = result.data.disconnected.oauth + result.data.disconnected.pat;
      toast.show({ tone: "success", title: test ? "Saved; testing now" : "Saved", body: lost > 0 ? `${lost} ${lost === 1 ? "user was" : "users were"} disconnected.` : undefined });
      // The runner is what the test waits for: show whether it is online now, not at the badge's next poll.
      if (test) void invalidateLive(queryKeys.runners.status(runner.id));
      if (!editing) {
        // The edit page picks the running test up from the integration's last test.
        router.replace(`/settings/runners/${runner.id}/integrations/${result.data.integrationId}`);
        return;
      }
      setJobId(result.data.jobId);
    });
  }

  const busy = pending || sealing;
  const running = jobId !== null && !(job.data?.done ?? false) && !job.error;
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
          <LocationFields value={location} onChange={(patch) => setLocation((l) => ({ ...l, ...patch }))} onProviderChange={changeProvider} locked={editing} allowLoopback={allowLoopback} errors={errors} />
        </section>
        <section aria-labelledby="methods-heading" className="rounded-lg border border-gray-300 bg-white p-4">
          <h2 id="methods-heading" className="mb-3 text-base font-semibold text-gray-900">
            How people authenticate
          </h2>
          <div className="flex flex-col gap-6">
            <OAuthFields
              enabled={oauthEnabled}
              onEnabledChange={(on) => {
                setOauthTouched(true);
                setOauthEnabled(on);
              }}
              callbackUrl={callbackUrl}
              registrationUrl={endpoints ? provider.oauthAppRegistrationUrl(endpoints) : null}
              providerName={provider.name}
              clientId={clientId}
              onClientIdChange={setClientId}
              secret={secret}
              onSecretChange={setSecret}
              secretState={secretState}
              replacing={replacing}
              onReplaceSecret={setReplacing}
              canSeal={runner.publicKey !== null}
              scopes={provider.oauthScopes}
              selectedScopes={oauthScopes}
              onScopesChange={setOauthScopes}
              errors={errors}
            />
            <PatFields
              enabled={patEnabled}
              onEnabledChange={setPatEnabled}
              patLabel={provider.patLabel}
              creationUrl={endpoints ? provider.patCreationUrl(endpoints, patScopes) : null}
              scopes={provider.patScopes}
              selectedScopes={patScopes}
              onScopesChange={setPatScopes}
              errors={errors}
            />
            {errors.methods ? <p className="text-sm text-red-700">{errors.methods.join(" ")}</p> : null}
          </div>
        </section>
        {failure && (failure.code !== "validation_failed" || !failure.fieldErrors) ? <ErrorAlert code={failure.code} message={failure.message} /> : null}
        {failure?.code === "host_taken" ? (
          <Link href={`/settings/runners/${runner.id}/integrations/existing?host=${encodeURIComponent(hostForSealing(location.provider, location.deployment, location.host) ?? "")}`} className="text-sm font-medium text-brand-700 underline">
            Edit the existing integration
          </Link>
        ) : null}
        {failure?.code === "validation_failed" && failure.fieldErrors ? <p className="text-sm font-medium text-red-700">Some fields need attention.</p> : null}
        <div className="flex flex-wrap gap-2">
          <Button type="submit" pending={busy || running} disabled={!hydrated}>
            Save &amp; Test
          </Button>
          <Button variant="secondary" disabled={busy || running || !hydrated} onClick={() => void submit(false)}>
            Save without testing
          </Button>
        </div>
      </form>
      <div ref={progressRef}>{outcome ? <TestProgress outcome={outcome} oauthEnabled={oauthEnabled} requestError={job.error?.code ?? null} /> : null}</div>
      <ConfirmDialog
        open={confirm !== null}
        onClose={() => setConfirm(null)}
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
          setConfirm(null);
          void submit(test, true);
        }}
      />
    </div>
  );
}
