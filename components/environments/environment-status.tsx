"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { LiveQueryProvider } from "@/components/query/live-query-provider";
import { isJobDone, useConnectionJob } from "@/components/settings/git-auth/use-connection-job";
import { Badge } from "@/components/ui/badge";
import type { EnvironmentState } from "@/lib/environments/environment-state";
import { describeError, isErrorCode } from "@/lib/errors/catalogue";
import { useEnvironmentState } from "./use-environment-state";

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

/** The shown states' badges (the word carries the meaning, not the colour). */
export const stateBadges: Record<EnvironmentState, { tone: "gray" | "green" | "yellow" | "red" | "blue"; text: string }> = {
  creating: { tone: "blue", text: "Creating" },
  ready: { tone: "green", text: "Ready" },
  needs_reconnect: { tone: "yellow", text: "Needs reconnect" },
  owner_disabled: { tone: "red", text: "Owner disabled" },
  failed: { tone: "red", text: "Failed" },
  deleting: { tone: "gray", text: "Deleting" },
  deleted: { tone: "gray", text: "Deleted" },
};

function Pending({ badge, text }: { badge: EnvironmentState; text: string }) {
  return (
    <div className="flex flex-col gap-1">
      <div>
        <Badge tone={stateBadges[badge].tone}>{stateBadges[badge].text}</Badge>
      </div>
      <p role="status" className="flex items-center gap-2 text-xs text-gray-800">
        <span aria-hidden="true" className="h-3 w-3 animate-spin rounded-full border-2 border-current border-t-transparent" />
        {text}
      </p>
    </div>
  );
}

/**
 * The status of one environment in the list. While it is being created, follows its clone job
 * and shows the stage the runner reports (announced politely); while it is being deleted, follows
 * the environment; when either ends the list reloads. "Needs reconnect" links to the
 * environment's page, where the owner reconnects.
 */
export function EnvironmentStatus(props: StatusProps) {
  return (
    <LiveQueryProvider>
      <LiveStatus {...props} />
    </LiveQueryProvider>
  );
}

type StatusProps = {
  environmentId: string;
  status: EnvironmentState;
  branch: string | null;
  progress: string | null;
  errorCode: string | null;
  jobId: string | null;
};

function LiveStatus({ environmentId, status, branch, progress, errorCode, jobId }: StatusProps) {
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

  if (status === "ready" || status === "needs_reconnect" || status === "owner_disabled") {
    const badge = stateBadges[status];
    return (
      <div className="flex flex-col gap-1" data-error-code={errorCode ?? undefined}>
        <div>
          <Badge tone={badge.tone}>{badge.text}</Badge>
        </div>
        {branch ? <p className="text-xs text-gray-800">Branch <span className="font-mono">{branch}</span></p> : null}
        {status === "needs_reconnect" ? (
          <Link href={`/environments/${environmentId}`} className="text-xs font-medium text-brand-700 underline">
            Reconnect<span className="sr-only"> your account for this environment</span>
          </Link>
        ) : null}
        {status === "owner_disabled" ? <p className="text-xs text-gray-800">{describeError("environment_owner_disabled").remedy}</p> : null}
      </div>
    );
  }
  if (status === "failed") return <Failed code={errorCode} />;
  if (status === "deleting" || status === "deleted") return <Pending badge="deleting" text={deleted ? "Deleted" : "Deleting…"} />;
  if (done && job.data?.status !== "succeeded") return <Failed code={job.data?.error?.code ?? errorCode} />;
  return <Pending badge="creating" text={`${done ? "Finishing" : stageText(job.data?.progress ?? progress, job.data?.status)}…`} />;
}
