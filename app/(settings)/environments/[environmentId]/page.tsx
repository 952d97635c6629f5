import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { DeleteEnvironmentButton } from "@/components/environments/delete-environment-button";
import { EnvironmentCommand } from "@/components/environments/environment-command";
import { EnvironmentStateCard } from "@/components/environments/environment-state-card";
import { EnvironmentHistory, GitOperations } from "@/components/environments/environment-trail";
import { ReconnectPanel } from "@/components/environments/reconnect-panel";
import { PageHeader } from "@/components/settings/page-header";
import { formatDateTime } from "@/components/ui/format-time";
import { IsolationBadge } from "@/components/settings/runners/isolation-badge";
import { CopyButton } from "@/components/ui/copy-button";
import { getDb } from "@/db/client";
import { requirePageActor } from "@/lib/auth/get-actor";
import { environmentCommands } from "@/lib/environments/environment-commands";
import { getEnvironment, GIT_OPERATIONS_LIMIT, HISTORY_LIMIT } from "@/lib/environments/get-environment";
import { isAppError } from "@/lib/errors/app-error";
import { describeForBrowser } from "@/lib/errors/describe-for-browser";
import { findIntegrationHost } from "@/lib/git-auth/find-integration-host";
import { workspaceRoles } from "@/lib/settings/sections";

export const metadata: Metadata = { title: "Environment" };

function param(value: string | string[] | undefined, max = 100): string | null {
  return typeof value === "string" && value.length > 0 && value.length <= max ? value : null;
}

function Detail({ term, children, wide }: { term: string; children: React.ReactNode; wide?: boolean }) {
  return (
    <div className={wide ? "min-w-0 sm:col-span-2" : "min-w-0"}>
      <dt className="font-medium text-gray-700">{term}</dt>
      <dd className="mt-1 break-words text-gray-900">{children}</dd>
    </div>
  );
}

/**
 * One environment: what it is, where it is on the runner and how to reach it, its state (with a
 * reconnect prompt when the owner's connection is gone), its history and last git operations, and
 * Delete. Its owner and admins see it; to anyone else it does not exist.
 */
export default async function EnvironmentPage({ params, searchParams }: { params: Promise<{ environmentId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePageActor(workspaceRoles("environments"));
  const [{ environmentId }, query] = await Promise.all([params, searchParams]);
  const db = await getDb();
  const integration = param(query.integration);
  const [loaded, returningHost] = await Promise.all([
    getEnvironment({ db, actor, environmentId }).catch((e: unknown) => {
      if (isAppError(e) && e.code === "not_found") notFound();
      throw e;
    }),
    integration ? findIntegrationHost({ db, actor, integrationId: integration }) : null,
  ]);
  const { environment: env, history, gitOperations } = loaded;
  const owned = env.ownerId === actor.userId;
  const commands = environmentCommands({ environmentId: env.id, clonePath: env.clonePath });
  const reachable = env.status !== "deleting" && env.status !== "deleted";

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href="/environments" className="font-medium text-brand-700 underline">
          Environments
        </Link>
        <span aria-hidden="true" className="px-1 text-gray-600">
          /
        </span>
        <span aria-current="page" className="text-gray-800">
          {env.name}
        </span>
      </nav>
      <PageHeader
        title={env.name}
        description={
          <>
            A clone of <span className="break-all font-mono">{env.repoPath}</span> on {env.host}, on the runner {env.runnerName}
            {owned ? ", made with your connected account." : `, owned by ${env.ownerEmail}.`}
          </>
        }
        actions={reachable && (owned || actor.role === "admin") ? <DeleteEnvironmentButton environment={{ id: env.id, name: env.name, host: env.host, ownedByViewer: owned, ownerEmail: env.ownerEmail }} /> : null}
      />
      <div className="flex flex-col gap-8">
        <EnvironmentStateCard environmentId={env.id} status={env.status} error={describeForBrowser(env.errorCode)} progress={env.progress} />
        <ReconnectPanel
          environmentId={env.id}
          target={env.reconnectTarget}
          show={env.status === "needs_reconnect" && owned}
          userId={actor.userId}
          repository={env.repoPath}
          returning={{ jobId: param(query.connecting), error: describeForBrowser(param(query.error)), host: returningHost }}
        />
        {env.status === "needs_reconnect" && !owned ? (
          <p className="rounded-md border border-amber-400 bg-amber-50 p-3 text-sm text-amber-950">Only {env.ownerEmail} can reconnect: connections are personal. Git here works again as soon as they do.</p>
        ) : null}
        {env.status === "needs_reconnect" && owned && !env.reconnectTarget ? (
          <p className="rounded-md border border-amber-400 bg-amber-50 p-3 text-sm text-amber-950">The runner {env.runnerName} no longer offers {env.host}. Ask an admin to configure it again in Settings &gt; Runners, or delete this environment.</p>
        ) : null}

        <section aria-labelledby="environment-details-heading" className="rounded-lg border border-gray-300 bg-white p-4">
          <h2 id="environment-details-heading" className="text-lg font-semibold text-gray-900">
            Details
          </h2>
          <dl className="mt-3 grid gap-x-6 gap-y-4 text-sm sm:grid-cols-2">
            <Detail term="Environment id">
              <span className="flex flex-wrap items-center gap-2">
                <code className="break-all font-mono text-xs" data-testid="environment-id">
                  {env.id}
                </code>
                <CopyButton value={env.id} label="Copy id" />
              </span>
            </Detail>
            <Detail term="Repository">
              <a href={env.repoUrl} target="_blank" rel="noreferrer noopener" className="break-all font-medium text-brand-700 underline">
                {env.repoUrl}
                <span className="sr-only"> (opens in a new tab)</span>
              </a>
            </Detail>
            <Detail term="Branch">{env.branch ? <code className="font-mono">{env.branch}</code> : env.status === "creating" ? "Default branch, once cloned" : "—"}</Detail>
            <Detail term="Owner">{owned ? `You (${env.ownerEmail})` : `${env.ownerName} (${env.ownerEmail})`}</Detail>
            <Detail term="Runner" wide>
              <span className="flex flex-col gap-1" data-testid="environment-runner">
                <span className="font-medium">{env.runnerName}</span>
                <IsolationBadge isolation={env.runnerIsolation} sharedUse={env.runnerSharedUse} full />
              </span>
            </Detail>
            <Detail term="OS user">
              <span data-testid="environment-os-user">
                {env.osUser ? <code className="font-mono">{env.osUser}</code> : env.clonePath ? "The runner's own user (the runner does not isolate)" : "Not known yet: set when the clone is made"}
              </span>
            </Detail>
            <Detail term="Created">
              {formatDateTime(env.createdAt)}
              {env.readyAt ? <span className="block text-xs text-gray-700">Ready {formatDateTime(env.readyAt)}</span> : null}
            </Detail>
            <Detail term="Clone on the runner" wide>
              {env.clonePath ? (
                <code className="break-all font-mono text-xs" data-testid="environment-clone-path">
                  {env.clonePath}
                </code>
              ) : (
                "Not known yet: the runner reports it when the clone is made."
              )}
            </Detail>
          </dl>
        </section>

        {reachable ? (
          <section aria-labelledby="environment-reach-heading" className="flex flex-col gap-3 rounded-lg border border-gray-300 bg-white p-4">
            <div>
              <h2 id="environment-reach-heading" className="text-lg font-semibold text-gray-900">
                How to reach it
              </h2>
              <p className="mt-1 max-w-prose text-sm text-gray-700">
                On the runner&apos;s host, from the runner&apos;s installation, as the user the runner runs as (root when it gives each environment an OS user). Commands run in the clone as the environment itself, so git uses the owner&apos;s credentials through the runner.
                {commands.dataDir ? null : " Add --data-dir DIR when the runner uses a data directory of its own."}
              </p>
            </div>
            <EnvironmentCommand label="Git as the environment" command={commands.git} hint="Any command works after --, for example git fetch or git push." />
            <EnvironmentCommand label="A shell as the environment" command={commands.shell} />
            <EnvironmentCommand label="Agent tools endpoint" command={commands.agentTools} hint="Prints the URL and token of the environment's agent tools (Model Context Protocol) while the runner serves them." />
          </section>
        ) : null}

        <section aria-labelledby="git-operations-heading" className="flex flex-col gap-3">
          <h2 id="git-operations-heading" className="text-lg font-semibold text-gray-900">
            Last git operations
          </h2>
          <GitOperations events={gitOperations} limit={GIT_OPERATIONS_LIMIT} />
        </section>

        <section aria-labelledby="history-heading" className="flex flex-col gap-3">
          <h2 id="history-heading" className="text-lg font-semibold text-gray-900">
            State history
          </h2>
          <EnvironmentHistory events={history} limit={HISTORY_LIMIT} />
        </section>
      </div>
    </>
  );
}
