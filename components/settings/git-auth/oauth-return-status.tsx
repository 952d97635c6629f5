"use client";

import { useEffect, useRef, useState } from "react";
import { LiveQueryProvider } from "@/components/query/live-query-provider";
import { ErrorAlertView } from "@/components/ui/error-alert-view";
import type { ErrorDescription } from "@/lib/errors/error-description";
import { operationAborted } from "@/lib/errors/operation-aborted";
import { isJobDone, useConnectionJob } from "./use-connection-job";

/** Drops the callback's query (`?integration=…&connecting=…` or `&error=…`) so a reload does not replay it. */
function forgetCallbackQuery() {
  // `null` state: Next.js syncs its router with a plain replaceState (one carrying its own state is ignored and later undone).
  window.history.replaceState(null, "", window.location.pathname);
}

/**
 * The first line of the banner when the provider sent the person back with an error: which host
 * it was, and that nothing was connected (the catalogue's title alone names neither).
 */
export function returnErrorMessage(code: string, host: string | null): string | undefined {
  if (!host) return undefined;
  if (code === "oauth_access_denied") return `Authorization declined at ${host}: you did not grant access, so nothing was connected.`;
  return `Connecting to ${host} did not finish; nothing was connected.`;
}

/**
 * What happened after the provider sent the person back: with `jobId` (`?connecting=`), progress
 * while the runner exchanges the authorization, then "connected" or the job's typed error; with
 * `error` (`?error=`, described by the server page), its title, explanation and remedy. The values are taken
 * once, when the page loads, because the query is removed right after.
 */
export function OAuthReturnStatus(props: Props) {
  return (
    <LiveQueryProvider>
      <ReturnStatus {...props} />
    </LiveQueryProvider>
  );
}

/** The `?error=` code the provider's return carried, described on the server (`describeCode`). */
export type ReturnError = { code: string; entry: ErrorDescription };

type Props = { jobId: string | null; error: ReturnError | null; host: string | null; onConnected: () => void };

function ReturnStatus({ jobId, error, host, onConnected }: Props) {
  const [initial] = useState({ jobId, error, host });
  const job = useConnectionJob(initial.jobId);
  const done = isJobDone(job.data) || job.isError;
  // Only an OAuth exchange connects an account; any other job id in the query is not this flow's.
  const succeeded = job.data?.status === "succeeded" && job.data.kind === "oauth.exchange";
  const handled = useRef(false);

  useEffect(() => {
    if (initial.error) forgetCallbackQuery();
  }, [initial.error]);

  useEffect(() => {
    if (!done || handled.current) return;
    handled.current = true;
    forgetCallbackQuery();
    if (succeeded) onConnected();
  }, [done, succeeded, onConnected]);

  if (!initial.jobId && !initial.error) return null;
  const target = initial.host ?? "the provider";
  let message: React.ReactNode = null;
  if (initial.error) {
    message = <ErrorAlertView code={initial.error.code} entry={initial.error.entry} message={returnErrorMessage(initial.error.code, initial.host)} />;
  } else if (job.isError) {
    message = <ErrorAlertView code={job.error.code} entry={job.error.entry} message="Could not follow the connection's progress" />;
  } else if (!done) {
    message = (
      <p className="flex items-center gap-2 rounded-md border border-blue-300 bg-blue-50 p-3 text-sm text-blue-950">
        <span aria-hidden="true" className="h-3.5 w-3.5 animate-spin rounded-full border-2 border-current border-t-transparent" />
        Exchanging the authorization with the runner for {target}…
      </p>
    );
  } else if (succeeded) {
    message = <p className="rounded-md border border-green-700 bg-green-50 p-3 text-sm font-medium text-green-900">Connected to {target}.</p>;
  } else {
    const failure = job.data?.error;
    message = failure ? <ErrorAlertView code={failure.code} entry={failure} /> : <ErrorAlertView code="operation_aborted" entry={operationAborted} />;
  }
  return (
    <div aria-live="polite" className="mb-6" data-testid="oauth-return-status" data-state={initial.error || (done && !succeeded) ? "failed" : succeeded ? "connected" : "connecting"}>
      {message}
    </div>
  );
}
