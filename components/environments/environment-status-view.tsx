import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import type { EnvironmentState } from "@/lib/environments/environment-state";
import type { ErrorDescription } from "@/lib/errors/error-description";
import { internalError } from "@/lib/errors/internal-error";

/**
 * How an environment's status looks, with no live parts and no error catalogue: the server
 * describes the error (`describeCode`) and passes its entry, so the list ships neither. Rendered
 * by the server for settled rows and by the live status while a row is being created or deleted.
 */

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

/** A clone stage in words: "receiving_objects: 45%" → "Receiving objects 45%". */
export function stageText(stage: string | null, status: string | undefined): string {
  if (!stage) return status === "running" ? "Cloning" : "Waiting for the runner";
  const match = /^([a-z_-]+)[:\s]*(.*)$/i.exec(stage);
  const known = match ? stageLabels[match[1]!.toLowerCase()] : undefined;
  if (known) return match![2] ? `${known} ${match![2]}` : known;
  return stage.replace(/[_-]+/g, " ");
}

/** A failed environment: the error's title and what to do about it (`code` as stored, `entry` its description). */
export function FailedStatus({ code, entry }: { code: string | null; entry: ErrorDescription }) {
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

/** Creating or deleting: the badge and what is happening now, announced politely. */
export function PendingStatus({ badge, text }: { badge: EnvironmentState; text: string }) {
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

export type StatusProps = {
  environmentId: string;
  status: EnvironmentState;
  branch: string | null;
  progress: string | null;
  errorCode: string | null;
  /** The description of `errorCode` (failed), or of why an owner-disabled environment is refused; from the server. */
  entry: ErrorDescription | null;
  jobId: string | null;
};

/** The status as the page was rendered: what the list shows before (or without) following it live. */
export function SettledStatus({ environmentId, status, branch, progress, errorCode, entry }: StatusProps) {
  if (status === "failed") return <FailedStatus code={errorCode} entry={entry ?? internalError} />;
  if (status === "creating") return <PendingStatus badge="creating" text={`${stageText(progress, undefined)}…`} />;
  if (status === "deleting" || status === "deleted") return <PendingStatus badge="deleting" text={status === "deleted" ? "Deleted" : "Deleting…"} />;
  const badge = stateBadges[status];
  return (
    <div className="flex flex-col gap-1" data-error-code={errorCode ?? undefined}>
      <div>
        <Badge tone={badge.tone}>{badge.text}</Badge>
      </div>
      {branch ? (
        <p className="text-xs text-gray-800">
          Branch <span className="font-mono">{branch}</span>
        </p>
      ) : null}
      {status === "needs_reconnect" ? (
        <Link href={`/environments/${environmentId}`} className="text-xs font-medium text-brand-700 underline">
          Reconnect<span className="sr-only"> your account for this environment</span>
        </Link>
      ) : null}
      {status === "owner_disabled" && entry ? <p className="text-xs text-gray-800">{entry.remedy}</p> : null}
    </div>
  );
}

