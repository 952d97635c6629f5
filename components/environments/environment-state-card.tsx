"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { LiveQueryProvider } from "@/components/query/live-query-provider";
import { Badge } from "@/components/ui/badge";
import { useToast } from "@/components/ui/toast";
import type { EnvironmentState } from "@/lib/environments/environment-state";
import type { ErrorDescription } from "@/lib/errors/error-description";
import { troubleshootingHref } from "@/lib/errors/troubleshooting-href";
import { stateBadges } from "./environment-status-view";
import { useEnvironmentState } from "./use-environment-state";

/** The heading the page moves focus to once a delete is confirmed (the Delete button goes away). */
export const STATE_HEADING_ID = "environment-state-heading";

/** What each state means, in a sentence; states with a catalogue code add its explanation and remedy. */
const summaries: Record<EnvironmentState, string> = {
  creating: "The runner is cloning the repository with the owner's credentials.",
  ready: "Git and the agent tools work here with the owner's connected account.",
  needs_reconnect: "The owner's connection for this host no longer works, so git and the agent tools here are refused until they reconnect.",
  owner_disabled: "The owner is disabled or no longer a member, so git and the agent tools here are refused.",
  failed: "The runner could not create this environment.",
  deleting: "Git and the agent tools here stopped; the runner is removing the clone and the environment's OS user.",
  deleted: "The clone, its credential access and its OS user are gone.",
};

/**
 * The environment's state with what it means and what to do (the catalogue entry of its error,
 * described by the server page and passed in, so the browser ships no catalogue). While the
 * environment is being created or deleted it follows it: when a clone ends the page reloads, and
 * once deleted the person is taken back to the list, which no longer shows it.
 */
export function EnvironmentStateCard(props: CardProps) {
  return (
    <LiveQueryProvider>
      <LiveStateCard {...props} />
    </LiveQueryProvider>
  );
}

type CardProps = {
  environmentId: string;
  status: EnvironmentState;
  /** The error code as the page read it (`internal_error` for one the catalogue does not know), with its description. */
  error: { code: string; entry: ErrorDescription } | null;
  progress: string | null;
};

function LiveStateCard({ environmentId, status, error, progress }: CardProps) {
  const router = useRouter();
  const toast = useToast();
  const following = status === "creating" || status === "deleting";
  const live = useEnvironmentState(environmentId, status, following);
  const changed = live.isError || (live.data !== undefined && live.data.status !== status);
  // Once per state shown: the page re-renders with the new state after a refresh, and follows it in turn.
  const handled = useRef<EnvironmentState | null>(null);
  useEffect(() => {
    if (!changed || handled.current === status) return;
    handled.current = status;
    if (status === "deleting") {
      toast.show({ tone: "success", title: "Environment deleted", body: "The runner removed its clone and OS user." });
      router.push("/environments");
    } else router.refresh();
  }, [changed, status, router, toast]);

  const code = error?.code ?? null;
  const entry = error?.entry ?? null;
  const badge = stateBadges[status];
  const working = following && !changed;
  const liveProgress = live.data?.progress ?? progress;
  return (
    <section aria-labelledby={STATE_HEADING_ID} className="rounded-lg border border-gray-300 bg-white p-4" data-testid="environment-state" data-status={status} data-error-code={code ?? undefined}>
      <h2 id={STATE_HEADING_ID} tabIndex={-1} className="flex flex-wrap items-center gap-2 text-lg font-semibold text-gray-900 focus:outline-none">
        Status <Badge tone={badge.tone}>{badge.text}</Badge>
      </h2>
      {working ? (
        <p role="status" className="mt-2 flex items-center gap-2 text-sm text-gray-800">
          <span aria-hidden="true" className="h-3.5 w-3.5 animate-spin rounded-full border-2 border-current border-t-transparent" />
          {status === "deleting" ? "Deleting…" : liveProgress ? `Creating: ${liveProgress.replace(/[_-]+/g, " ")}…` : "Creating…"}
        </p>
      ) : null}
      <p className="mt-2 text-sm text-gray-800">{summaries[status]}</p>
      {entry && code ? (
        <div className="mt-2 text-sm text-gray-800">
          {status === "failed" ? <p className="font-medium text-gray-900">{entry.title}</p> : null}
          <p>{entry.explanation}</p>
          <p className="mt-1">
            <span className="font-medium">What to do: </span>
            {entry.remedy}
          </p>
          <p className="mt-1 text-xs">
            Error code <code className="font-mono">{code}</code> ·{" "}
            <a href={troubleshootingHref(code)} className="font-medium text-brand-700 underline">
              Troubleshooting<span className="sr-only"> for {entry.title}</span>
            </a>
          </p>
        </div>
      ) : null}
    </section>
  );
}
