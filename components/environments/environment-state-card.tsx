"use client";

import { lazy, Suspense } from "react";
import { Badge } from "@/components/ui/badge";
import type { EnvironmentState } from "@/lib/environments/environment-state";
import type { ErrorDescription } from "@/lib/errors/error-description";
import { troubleshootingHref } from "@/lib/errors/troubleshooting-href";
import { EnvironmentStateProgress } from "./environment-state-progress";
import { stateBadges } from "./environment-status-view";

/**
 * The live part (react-query and polling) in a chunk of its own, so the environment's page loads
 * none of it on first load: the server's HTML already shows the state, and the browser loads the
 * live part after hydration, only while the environment is being created or deleted. `React.lazy`
 * rather than `next/dynamic`, which would preload the chunk with the page's scripts.
 */
const LiveEnvironmentState = lazy(() => import("./live-environment-state").then((m) => ({ default: m.LiveEnvironmentState })));

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

type CardProps = {
  environmentId: string;
  status: EnvironmentState;
  /** The error code as the page read it (`internal_error` for one the catalogue does not know), with its description. */
  error: { code: string; entry: ErrorDescription } | null;
  progress: string | null;
};

/**
 * The environment's state with what it means and what to do (the catalogue entry of its error,
 * described by the server page and passed in, so the browser ships no catalogue). While the
 * environment is being created or deleted its live part follows it; the heading stays outside
 * the live part, so focus moved to it survives the live part's arrival.
 */
export function EnvironmentStateCard({ environmentId, status, error, progress }: CardProps) {
  const following = status === "creating" || status === "deleting";
  const code = error?.code ?? null;
  const entry = error?.entry ?? null;
  const badge = stateBadges[status];
  return (
    <section aria-labelledby={STATE_HEADING_ID} className="rounded-lg border border-gray-300 bg-white p-4" data-testid="environment-state" data-status={status} data-error-code={code ?? undefined}>
      <h2 id={STATE_HEADING_ID} tabIndex={-1} className="flex flex-wrap items-center gap-2 text-lg font-semibold text-gray-900 focus:outline-none">
        Status <Badge tone={badge.tone}>{badge.text}</Badge>
      </h2>
      {following ? (
        <Suspense fallback={<EnvironmentStateProgress status={status} progress={progress} />}>
          <LiveEnvironmentState environmentId={environmentId} status={status} progress={progress} />
        </Suspense>
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
