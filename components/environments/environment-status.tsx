"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { isJobDone, useConnectionJob } from "@/components/settings/git-auth/use-connection-job";
import { Badge } from "@/components/ui/badge";
import { describeError, isErrorCode } from "@/lib/errors/catalogue";

/** Clone stages as the runner reports them, in words; unknown stages are shown as given. */
const stageLabels: Record<string, string> = {
  queued: "Waiting for the runner",
  credentials: "Fetching your credentials",
  fetching_credentials: "Fetching your credentials",
  cloning: "Cloning",
  counting_objects: "Counting objects",
  compressing_objects: "Compressing objects",
  receiving_objects: "Receiving objects",
  resolving_deltas: "Resolving deltas",
  checkout: "Checking out files",
  checking_out: "Checking out files",
  configuring: "Configuring git credentials",
};

function stageText(stage: string | null, status: string | undefined): string {
  if (!stage) return status === "running" ? "Cloning" : "Waiting for the runner";
  // "receiving_objects: 45%" → "Receiving objects 45%".
  const match = /^([a-z_-]+)[:\s]*(.*)$/i.exec(stage);
  const known = match ? stageLabels[match[1]!.toLowerCase()] : undefined;
  if (known) return match![2] ? `${known} ${match![2]}` : known;
  return stage.replace(/[_-]+/g, " ");
}

/** A failed environment: the error's title and what to do about it. */
function Failed({ code }: { code: string | null }) {
  const entry = describeError(code && isErrorCode(code) ? code : "internal_error");
  return (
    <div className="flex flex-col gap-1" data-error-code={code ?? "internal_error"}>
      <div>
        <Badge tone="red">Failed</Badge>
      </div>
      <p className="font-medium text-red-900">{entry.title}</p>
      <p className="text-xs text-gray-800">{entry.remedy}</p>
    </div>
  );
}

/**
 * The status of one environment. While it is being created, follows its clone job and shows the
 * stage the runner reports (announced politely); when the job ends the list reloads.
 */
export function EnvironmentStatus({ status, branch, progress, errorCode, jobId }: { status: "creating" | "ready" | "failed"; branch: string | null; progress: string | null; errorCode: string | null; jobId: string | null }) {
  const router = useRouter();
  const job = useConnectionJob(status === "creating" ? jobId : null);
  const done = isJobDone(job.data);
  const refreshed = useRef(false);
  useEffect(() => {
    if (!done || refreshed.current) return;
    refreshed.current = true;
    router.refresh();
  }, [done, router]);

  if (status === "ready") {
    return (
      <div className="flex flex-col gap-1">
        <div>
          <Badge tone="green">Ready</Badge>
        </div>
        {branch ? <p className="text-xs text-gray-800">Branch <span className="font-mono">{branch}</span></p> : null}
      </div>
    );
  }
  if (status === "failed") return <Failed code={errorCode} />;
  if (done && job.data?.status !== "succeeded") return <Failed code={job.data?.error?.code ?? errorCode} />;
  return (
    <div className="flex flex-col gap-1">
      <div>
        <Badge tone="blue">Creating</Badge>
      </div>
      <p role="status" className="flex items-center gap-2 text-xs text-gray-800">
        <span aria-hidden="true" className="h-3 w-3 animate-spin rounded-full border-2 border-current border-t-transparent" />
        {done ? "Finishing" : stageText(job.data?.progress ?? progress, job.data?.status)}…
      </p>
    </div>
  );
}
