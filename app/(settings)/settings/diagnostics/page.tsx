import type { Metadata } from "next";
import { CheckAccessPanel } from "@/components/diagnostics/check-access-panel";
import { EventTable } from "@/components/diagnostics/event-table";
import { FailureChart } from "@/components/diagnostics/failure-chart";
import { RunnerNameList } from "@/components/diagnostics/runner-name-list";
import { formatUtc } from "@/components/diagnostics/format";
import { SearchForm } from "@/components/diagnostics/search-form";
import { SupportBundleForm } from "@/components/diagnostics/support-bundle-form";
import { PageHeader } from "@/components/settings/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { getDb } from "@/db/client";
import { requirePageActor } from "@/lib/auth/get-actor";
import { countFailures } from "@/lib/diagnostics/failure-counts";
import { listRunnerNames } from "@/lib/diagnostics/list-runner-names";
import { parseEventFilters } from "@/lib/diagnostics/schemas";
import { SEARCH_LIMIT, searchEvents } from "@/lib/diagnostics/search-events";
import { sectionRoles } from "@/lib/settings/sections";

export const metadata: Metadata = { title: "Diagnostics" };

function Section({ id, title, description, children }: { id: string; title: string; description: string; children: React.ReactNode }) {
  return (
    <section aria-labelledby={`${id}-heading`} className="flex flex-col gap-3">
      <div>
        <h2 id={`${id}-heading`} className="text-lg font-semibold text-gray-900">
          {title}
        </h2>
        <p className="max-w-prose text-sm text-gray-700">{description}</p>
      </div>
      {children}
    </section>
  );
}

/**
 * Settings > Diagnostics (admins; support read-only): the trail of every SCM operation, searched
 * by person, runner, host, error code and time; failures by code over time; Check access; and
 * support bundles. Nothing here changes configuration, and nothing here shows a secret.
 */
export default async function DiagnosticsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePageActor(sectionRoles("diagnostics"));
  const db = await getDb();
  const { filters, errors } = parseEventFilters(await searchParams);
  const [events, counts, runnerNames] = await Promise.all([
    searchEvents({ db, actor, filters }),
    countFailures({ db, actor, filters }),
    listRunnerNames({ db, actor }),
  ]);
  const range = `${formatUtc(filters.from)} – ${formatUtc(filters.to)}`;
  return (
    <>
      <PageHeader
        title="Diagnostics"
        description={
          actor.role === "support"
            ? "Read-only view for support: find out why a user cannot connect or clone, without seeing any secret."
            : "Find out why a user cannot connect or clone, without seeing any secret."
        }
      />
      <RunnerNameList names={runnerNames} />
      <div className="flex flex-col gap-10">
        <Section id="search" title="Search the trail" description="Every connection, token validation, refresh, revocation, clone and agent tool call is recorded with its stage, outcome, error code and duration.">
          <SearchForm filters={filters} errors={errors} />
        </Section>
        <Section id="failures" title="Failures by error code" description={`Failed operations in the searched range (${range}), counted once per operation.`}>
          <FailureChart counts={counts} />
        </Section>
        <Section id="events" title="Events" description={events.length >= SEARCH_LIMIT ? `The latest ${SEARCH_LIMIT} matching events; narrow the search to see older ones.` : `${events.length} matching ${events.length === 1 ? "event" : "events"}, newest first. Open a timeline to see an operation from the browser to the provider.`}>
          {events.length === 0 ? (
            <EmptyState title="No source-control events match">
              <p>Connection, validation and clone events appear here as people use Git providers. Widen the time range or clear the filters.</p>
            </EmptyState>
          ) : (
            <EventTable events={events} caption="Matching events, newest first" />
          )}
        </Section>
        <Section id="check-access" title="Check access" description="For a member and a repository: is the runner online, does it offer the host, has the member connected, is the token valid and unexpired, are its scopes enough, and can the repository be reached with it. Nothing is changed.">
          <CheckAccessPanel />
        </Section>
        <Section id="bundle" title="Support bundle" description="A redacted JSON file of a member's or a runner's recent trail and configuration state, to attach to a ticket. It contains no token, secret or sealed credential.">
          <SupportBundleForm hasRunners={runnerNames.length > 0} />
        </Section>
      </div>
    </>
  );
}
