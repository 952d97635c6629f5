import type { Metadata } from "next";
import { CheckAccessPanel } from "@/components/diagnostics/check-access-panel";
import { DiagnosticsTabs, diagnosticsTab } from "@/components/diagnostics/diagnostics-tabs";
import { FailureChart } from "@/components/diagnostics/failure-chart";
import { OperationTable } from "@/components/diagnostics/operation-table";
import { RunnerNameList } from "@/components/diagnostics/runner-name-list";
import { formatUtc } from "@/components/diagnostics/format";
import { SearchForm } from "@/components/diagnostics/search-form";
import { SupportBundleForm, type BundleError } from "@/components/diagnostics/support-bundle-form";
import { PageHeader } from "@/components/settings/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { Pagination } from "@/components/ui/pagination";
import { getDb } from "@/db/client";
import { requirePageActor } from "@/lib/auth/get-actor";
import { countFailures } from "@/lib/diagnostics/failure-counts";
import { listRunnerNames } from "@/lib/diagnostics/list-runner-names";
import { parseEventFilters } from "@/lib/diagnostics/schemas";
import { searchOperations } from "@/lib/diagnostics/search-operations";
import { sectionRoles } from "@/lib/settings/sections";

export const metadata: Metadata = { title: "Diagnostics" };

type Query = Record<string, string | string[] | undefined>;

function Section({ id, title, description, children }: { id: string; title: string; description: string; children: React.ReactNode }) {
  return (
    <section aria-labelledby={`${id}-heading`} className="flex min-w-0 flex-col gap-3">
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

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** The search's own query (no tab, no page), for the page links. */
function searchQuery(query: Query): URLSearchParams {
  const qs = new URLSearchParams();
  for (const key of ["email", "runner", "host", "code", "operation", "outcome", "failures", "range", "from", "to"]) {
    const v = one(query[key]);
    if (v) qs.set(key, v);
  }
  return qs;
}

/**
 * Settings > Diagnostics (admins; support read-only), in three tabs, each its own URL: the trail
 * of every SCM operation, one row per operation, searched by person, runner, host, operation,
 * outcome, error code and time, with failures by code over time; Check access; and support
 * bundles. Nothing here changes configuration, and nothing here shows a secret.
 */
export default async function DiagnosticsPage({ searchParams }: { searchParams: Promise<Query> }) {
  const actor = await requirePageActor(sectionRoles("diagnostics"));
  const query = await searchParams;
  const tab = diagnosticsTab(query.tab);
  const db = await getDb();
  const runnerNames = await listRunnerNames({ db, actor });
  const header = (
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
      <DiagnosticsTabs current={tab} />
    </>
  );

  if (tab === "check-access") {
    return (
      <>
        {header}
        <Section id="check-access" title="Check access" description="For a member and a repository: is the runner online, does it offer the host, has the member connected, is the token valid and unexpired, are its scopes enough, and can the repository be reached with it. Nothing is changed.">
          <CheckAccessPanel />
        </Section>
      </>
    );
  }
  if (tab === "bundle") {
    const code = one(query.bundle_error);
    const error: BundleError | undefined = code ? { code, userEmail: one(query.userEmail)?.slice(0, 320), runner: one(query.runner)?.slice(0, 100) } : undefined;
    return (
      <>
        {header}
        <Section id="bundle" title="Support bundle" description="A redacted JSON file of a member's or a runner's recent trail and configuration state, to attach to a ticket. It contains no token, secret or sealed credential.">
          <SupportBundleForm hasRunners={runnerNames.length > 0} error={error} />
        </Section>
      </>
    );
  }

  const { filters, page, errors } = parseEventFilters(query);
  const [result, counts] = await Promise.all([searchOperations({ db, actor, filters, page }), countFailures({ db, actor, filters })]);
  const range = `${formatUtc(filters.from)} – ${formatUtc(filters.to)}`;
  const base = searchQuery(query);
  const pageHref = (n: number) => {
    const qs = new URLSearchParams(base);
    if (n > 1) qs.set("page", String(n));
    const s = qs.toString();
    return `/settings/diagnostics${s ? `?${s}` : ""}`;
  };
  const summary =
    result.total === 0
      ? "No matching operations."
      : `${result.total} matching ${result.total === 1 ? "operation" : "operations"}, newest first${result.pageCount > 1 ? ` (page ${result.page} of ${result.pageCount})` : ""}. Open an operation's stages in place, or its timeline to follow it from the browser to the provider.`;
  return (
    <>
      {header}
      <div className="flex flex-col gap-10">
        <Section id="search" title="Search the trail" description="Every connection, token validation, refresh, revocation, clone and agent tool call is recorded with its stages, outcome, error code and duration.">
          <SearchForm filters={filters} errors={errors} />
        </Section>
        <Section id="failures" title="Failures by error code" description={`Failed operations in the searched range (${range}), counted once per operation.`}>
          <FailureChart counts={counts} />
        </Section>
        <Section id="events" title="Operations" description={summary}>
          {result.operations.length === 0 ? (
            <EmptyState title="No source-control operations match">
              <p>Connection, validation and clone operations appear here as people use Git providers. Widen the time range or clear the filters.</p>
            </EmptyState>
          ) : (
            <>
              <OperationTable operations={result.operations} caption="Matching operations, newest first" />
              <Pagination label="Pages of operations" page={result.page} pageCount={result.pageCount} href={pageHref} />
            </>
          )}
        </Section>
      </div>
    </>
  );
}
