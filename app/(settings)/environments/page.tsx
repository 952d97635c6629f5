import type { Metadata } from "next";
import Link from "next/link";
import { CreateEnvironmentPanel } from "@/components/environments/create-environment-panel";
import { EnvironmentList } from "@/components/environments/environment-list";
import { PageHeader } from "@/components/settings/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { getDb } from "@/db/client";
import { requirePageActor } from "@/lib/auth/get-actor";
import { describeForBrowser } from "@/lib/errors/describe-for-browser";
import { findIntegrationHost } from "@/lib/git-auth/find-integration-host";
import { listEnvironmentHosts } from "@/lib/environments/list-environment-hosts";
import { listEnvironmentRunners } from "@/lib/environments/list-environment-runners";
import { listEnvironments } from "@/lib/environments/list-environments";
import { workspaceRoles } from "@/lib/settings/sections";

export const metadata: Metadata = { title: "Environments" };

function param(value: string | string[] | undefined, max = 100): string | null {
  return typeof value === "string" && value.length > 0 && value.length <= max ? value : null;
}

export default async function EnvironmentsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePageActor(workspaceRoles("environments"));
  const query = await searchParams;
  const db = await getDb();
  const integration = param(query.integration);
  // Runners as id and name only: which host a runner offers, and the prompt for a host the person
  // has not connected, come from the action when they submit (the page stays small with 1,000 runners);
  // the distinct hosts offered, and the few whose last admin test failed, come with the page.
  const [environments, runners, { hosts, failedTests }, returningHost] = await Promise.all([
    listEnvironments({ db, actor }),
    listEnvironmentRunners({ db, actor }),
    listEnvironmentHosts({ db, actor }),
    integration ? findIntegrationHost({ db, actor, integrationId: integration }) : null,
  ]);
  const now = new Date().toISOString();
  return (
    <>
      <PageHeader title="Environments" description="An environment is a clone of a repository on a runner, made with your own connected account. Agents and you run git there with your permissions." />
      <div className="flex flex-col gap-8">
        {runners.length === 0 ? (
          <EmptyState title="No runner offers repository access yet">
            <p>
              An admin configures which Git providers each runner offers in{" "}
              {actor.role === "admin" ? (
                <Link href="/settings/runners" className="font-medium text-brand-700 underline">
                  Settings &gt; Runners
                </Link>
              ) : (
                "Settings > Runners"
              )}
              . Environments can be created once one does.
            </p>
          </EmptyState>
        ) : (
          <CreateEnvironmentPanel
            runners={runners}
            hosts={hosts}
            failedTests={failedTests}
            userId={actor.userId}
            initial={{
              repo: param(query.repo, 2048),
              runner: param(query.runner),
              branch: param(query.branch, 255),
              integration,
              returningHost,
              connecting: param(query.connecting),
              error: describeForBrowser(param(query.error)),
            }}
          />
        )}
        <section aria-labelledby="environments-heading" className="flex flex-col gap-3">
          <h2 id="environments-heading" className="text-lg font-semibold text-gray-900">
            Your environments
          </h2>
          <EnvironmentList environments={environments} now={now} />
        </section>
      </div>
    </>
  );
}
