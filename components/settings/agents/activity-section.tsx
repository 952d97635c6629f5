import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";
import { activityHref, type ActivityQueryField } from "@/lib/agents/activity-query";
import type { AgentActivityView } from "@/lib/agents/load-activity-view";
import { ACTIVITY_PAGE_SIZE } from "@/lib/agents/list-agent-activity";
import { ActivityFilters } from "./activity-filters";
import { ActivityPager } from "./activity-pager";
import { AgentActivityTable } from "./activity-table";

const fieldNames: Record<ActivityQueryField, string> = { tool: "Tool", outcome: "Outcome", owner: "Owner", environment: "Environment", before: "Page", after: "Page" };

const link = "font-medium text-brand-700 underline";

/** What of the address was ignored, said once above the list (the selects repeat their own). */
function IgnoredNotice({ ignored }: { ignored: AgentActivityView["ignored"] }) {
  const entries = Object.entries(ignored) as [ActivityQueryField, string][];
  if (entries.length === 0) return null;
  return (
    <div className="rounded-md border border-yellow-400 bg-yellow-50 px-4 py-3 text-sm text-gray-900" data-testid="activity-ignored">
      <p className="font-medium">Part of the address was not used, so the list ignores it:</p>
      <ul className="mt-1 list-disc pl-5">
        {entries.map(([field, why]) => (
          <li key={field}>
            {fieldNames[field]}: {why}.
          </li>
        ))}
      </ul>
    </div>
  );
}

function Empty({ view, showOwner }: { view: AgentActivityView; showOwner: boolean }) {
  if (view.page.before || view.page.after) {
    return (
      <EmptyState
        title="No calls on this page"
        action={
          <Link className={link} href={activityHref(view.filters)}>
            Go to the newest calls
          </Link>
        }
      />
    );
  }
  if (view.filtered) {
    return (
      <EmptyState
        title="No calls match these filters"
        action={
          <Link className={link} href={activityHref({})}>
            Clear filters
          </Link>
        }
      >
        <p>The filters matched no agent tool call{showOwner ? " in the organization" : " in your environments"}. Clear them, or choose another tool, outcome or environment.</p>
      </EmptyState>
    );
  }
  return (
    <EmptyState title="No agent activity yet">
      <p>When an agent in {showOwner ? "an environment" : "one of your environments"} calls an SCM tool, the call appears here, whether it was allowed or refused, with what it produced.</p>
    </EmptyState>
  );
}

/**
 * Settings > Agents' activity: the filters, what of the URL was ignored, one page of calls (or
 * why there is none) and the links to newer and older pages, all in the URL and without JavaScript.
 */
export function AgentActivitySection({ view, showOwner }: { view: AgentActivityView; showOwner: boolean }) {
  return (
    <section aria-labelledby="agent-activity-heading" id="agent-activity" className="flex scroll-mt-6 flex-col gap-3">
      <div>
        <h2 id="agent-activity-heading" className="text-lg font-semibold text-gray-900">
          Agent activity
        </h2>
        <p className="max-w-prose text-sm text-gray-700">
          {showOwner
            ? "SCM tool calls by agents in your organization's environments, allowed or refused, newest first"
            : "SCM tool calls by agents in your environments, allowed or refused, newest first"}
          , {ACTIVITY_PAGE_SIZE} a page. A refused call says which check refused it.
          {showOwner ? " Owners see their own environments' calls." : null}
        </p>
      </div>
      <ActivityFilters filters={view.filters} options={view.options} showOwner={showOwner} errors={view.ignored} />
      <IgnoredNotice ignored={view.ignored} />
      {view.calls.length === 0 ? (
        <Empty view={view} showOwner={showOwner} />
      ) : (
        <AgentActivityTable rows={view.calls} showOwner={showOwner} caption={showOwner ? "Agent tool calls in the organization, newest first" : "Agent tool calls in your environments, newest first"} />
      )}
      <ActivityPager filters={view.filters} newer={view.newer} older={view.older} />
    </section>
  );
}
