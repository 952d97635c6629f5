import type { DbOrTx } from "@/db/client";
import { hasRole, type Actor } from "../users/actor";
import { hasActivityFilters, parseActivityQuery, type ActivityFilters, type ActivityPage, type ActivityQueryField } from "./activity-query";
import { listActivityFilterOptions, type ActivityFilterOptions } from "./list-activity-filter-options";
import { listAgentActivity, type AgentActivityListing } from "./list-agent-activity";

export type AgentActivityView = AgentActivityListing & {
  filters: ActivityFilters;
  page: ActivityPage;
  options: ActivityFilterOptions;
  /** What in the URL was ignored, and why, by the URL's name for it. */
  ignored: Partial<Record<ActivityQueryField, string>>;
  filtered: boolean;
};

/**
 * The Agents page's activity list from its search params: parsed (what does not parse is ignored
 * and reported), narrowed to what the actor may see (an owner filter is for admins; an environment
 * or owner outside the actor's scope is ignored and reported), then one page of calls and the
 * filters' choices. Members get their own environments' calls whatever the URL says: the listing
 * itself filters on them too.
 */
export async function loadAgentActivityView(opts: { db: DbOrTx; actor: Actor; query: Record<string, string | string[] | undefined>; pageSize?: number }): Promise<AgentActivityView> {
  const { filters, page, errors: ignored } = parseActivityQuery(opts.query);
  const admin = hasRole(opts.actor, "admin");
  if (!admin && filters.ownerId) {
    ignored.owner = "Only admins filter by owner: this list shows your own environments' calls";
    delete filters.ownerId;
  }
  const options = await listActivityFilterOptions({ db: opts.db, actor: opts.actor, selected: { ownerId: filters.ownerId, environmentId: filters.environmentId } });
  if (filters.ownerId && !options.owners.some((o) => o.id === filters.ownerId)) {
    ignored.owner = "Not a member of this organization";
    delete filters.ownerId;
  }
  if (filters.environmentId && !options.environments.some((e) => e.id === filters.environmentId)) {
    ignored.environment = admin ? "Not an environment of this organization" : "Not one of your environments";
    delete filters.environmentId;
  }
  const listing = await listAgentActivity({ db: opts.db, actor: opts.actor, filters, page, pageSize: opts.pageSize });
  return { ...listing, filters, page, options, ignored, filtered: hasActivityFilters(filters) };
}
