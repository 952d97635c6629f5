"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { startAccessCheckAction } from "@/app/(settings)/settings/diagnostics/actions";
import { Button } from "@/components/ui/button";
import { ErrorAlertView } from "@/components/ui/error-alert-view";
import { TextField } from "@/components/ui/input";
import { fetchLive, type LiveRequestError } from "@/components/query/fetch-live";
import { queryKeys } from "@/components/query/keys";
import { LiveQueryProvider } from "@/components/query/live-query-provider";
import { useFormAction } from "@/components/ui/use-form-action";
import type { AccessCheckView } from "@/lib/diagnostics/check-access";
import type { AccessCheckStatus } from "@/lib/diagnostics/read-access-check";
import type { WithErrorDescriptions } from "@/lib/errors/error-description";
import { AccessSteps } from "./access-steps";
import { RUNNER_NAMES_LIST_ID } from "./runner-name-list";

const POLL_MS = 700;

/**
 * Check access ("doctor"): a member's email and a repository URL in, each step out as it is
 * checked, green or red with its code and remedy. The plane's steps come back at once; the
 * runner's are followed live until the job is done.
 */
export function CheckAccessPanel() {
  return (
    <LiveQueryProvider>
      <Panel />
    </LiveQueryProvider>
  );
}

function Panel() {
  const [view, setView] = useState<WithErrorDescriptions<AccessCheckView> | null>(null);
  const form = useFormAction(startAccessCheckAction, { onSuccess: setView });
  const checkId = view?.checkId ?? null;
  const status = useQuery<WithErrorDescriptions<AccessCheckStatus>, LiveRequestError>({
    queryKey: queryKeys.accessChecks.detail(checkId ?? ""),
    queryFn: ({ signal }) => fetchLive<WithErrorDescriptions<AccessCheckStatus>>(`/api/diagnostics/access-checks/${encodeURIComponent(checkId!)}`, signal),
    enabled: checkId !== null,
    refetchInterval: (query) => (query.state.data?.done || query.state.error ? false : POLL_MS),
  });
  const steps = view ? view.steps.map((s) => (s.state === "waiting" ? (status.data?.steps.find((r) => r.id === s.id) ?? s) : s)) : [];
  const errors = { ...view?.errors, ...status.data?.errors };
  const done = view !== null && (view.checkId === null || status.data?.done === true || status.isError);
  return (
    <div className="flex flex-col gap-4">
      <form onSubmit={form.onSubmit} noValidate className="grid gap-4 rounded-lg border border-gray-300 bg-white p-4 sm:grid-cols-2 lg:grid-cols-3" aria-label="Check access">
        <TextField label="Member email" name="userEmail" type="email" required autoComplete="off" errors={form.fieldErrors?.userEmail} />
        <TextField label="Repository URL" name="repoUrl" type="url" required placeholder="https://github.com/acme/app" errors={form.fieldErrors?.repoUrl} />
        <TextField label="Runner (optional)" name="runner" type="text" list={RUNNER_NAMES_LIST_ID} hint="Empty for the one the member would use" errors={form.fieldErrors?.runner ?? form.fieldErrors?.runnerId} autoComplete="off" spellCheck={false} />
        <div className="sm:col-span-2 lg:col-span-3">
          <Button type="submit" pending={form.pending || (view !== null && !done)}>
            Check access
          </Button>
        </div>
      </form>
      {form.error && !form.error.fieldErrors ? <ErrorAlertView code={form.error.code} entry={form.error.entry} message={form.error.message} /> : null}
      {view ? (
        <section aria-labelledby="access-result-heading" className="rounded-lg border border-gray-300 bg-white p-4" data-testid="access-check" data-state={done ? (steps.some((s) => s.state === "failed") ? "failed" : "passed") : "running"}>
          <h3 id="access-result-heading" className="text-base font-semibold text-gray-900">
            {view.subject.userEmail} → {view.subject.repository} <span className="font-mono text-sm font-normal">({view.subject.host})</span>
          </h3>
          <p role="status" className="mb-3 text-sm text-gray-800">
            {!done ? "Checking…" : steps.some((s) => s.state === "failed") ? "Access is broken at the step marked ✗." : "Every step passed: the member can reach this repository."}
          </p>
          <AccessSteps steps={steps} errors={errors} />
          {status.isError ? <ErrorAlertView code={status.error.code} entry={status.error.entry} message="Could not follow the check's progress" /> : null}
        </section>
      ) : null}
    </div>
  );
}
