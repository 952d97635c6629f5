"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { LiveQueryProvider } from "@/components/query/live-query-provider";
import { isJobDone, useConnectionJob } from "@/components/settings/git-auth/use-connection-job";
import { internalError } from "@/lib/errors/internal-error";
import { FailedStatus, PendingStatus, SettledStatus, stageText, type StatusProps } from "./environment-status-view";
import { useEnvironmentState } from "./use-environment-state";

/**
 * The status of a row being created or deleted, followed live. While it is being created, follows
 * its clone job and shows the stage the runner reports (announced politely); while it is being
 * deleted, follows the environment; when either ends the list reloads. A clone job's failure comes
 * described by the status route, so no error catalogue is needed here.
 */
export function LiveEnvironmentStatus(props: StatusProps) {
  return (
    <LiveQueryProvider>
      <LiveStatus {...props} />
    </LiveQueryProvider>
  );
}

function LiveStatus(props: StatusProps) {
  const { environmentId, status, progress, errorCode, entry, jobId } = props;
  const router = useRouter();
  const job = useConnectionJob(status === "creating" ? jobId : null);
  const deletion = useEnvironmentState(environmentId, "deleting", status === "deleting");
  const done = isJobDone(job.data);
  const deleted = status === "deleting" && (deletion.isError || (deletion.data !== undefined && deletion.data.status !== "deleting"));
  const refreshed = useRef(false);
  useEffect(() => {
    if (!(done || deleted) || refreshed.current) return;
    refreshed.current = true;
    router.refresh();
  }, [done, deleted, router]);

  if (status === "deleting" || status === "deleted") return <PendingStatus badge="deleting" text={deleted ? "Deleted" : "Deleting…"} />;
  if (status !== "creating") return <SettledStatus {...props} />;
  if (done && job.data?.status !== "succeeded") {
    const failure = job.data?.error;
    return failure ? <FailedStatus code={failure.code} entry={failure} /> : <FailedStatus code={errorCode} entry={entry ?? internalError} />;
  }
  return <PendingStatus badge="creating" text={`${done ? "Finishing" : stageText(job.data?.progress ?? progress, job.data?.status)}…`} />;
}
