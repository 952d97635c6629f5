import Link from "next/link";
import { Button } from "@/components/ui/button";
import { Select } from "@/components/ui/select";
import { activityHref, activityOutcomes, type ActivityFilters as Filters, type ActivityOutcome, type ActivityQueryField } from "@/lib/agents/activity-query";
import { toolCapabilities } from "@/lib/agents/capabilities";
import type { ActivityFilterOptions } from "@/lib/agents/list-activity-filter-options";

export const outcomeLabels: Record<ActivityOutcome, string> = { succeeded: "Succeeded", failed: "Failed", refused: "Refused", pending: "In progress" };

const toolOptions = [{ value: "", label: "Any tool" }, ...Object.keys(toolCapabilities).sort().map((tool) => ({ value: tool, label: tool }))];
const outcomeOptions = [{ value: "", label: "Any outcome" }, ...activityOutcomes.map((o) => ({ value: o, label: outcomeLabels[o] }))];

/** A select that shrinks to its grid cell: long environment names or emails must not widen the page on a phone. */
const fit = "min-w-0 [&>select]:w-full [&>select]:min-w-0";

/**
 * The activity filters: a plain GET form to the Agents page, so a filtered view is a URL that can
 * be shared, and filtering works before (or without) any JavaScript. Submitting starts again from
 * the newest calls. The owner filter is offered to admins only.
 */
export function ActivityFilters({ filters, options, showOwner, errors }: { filters: Filters; options: ActivityFilterOptions; showOwner: boolean; errors: Partial<Record<ActivityQueryField, string>> }) {
  const err = (key: ActivityQueryField) => (errors[key] ? [errors[key]!] : undefined);
  const environmentOptions = [
    { value: "", label: "Any environment" },
    ...options.environments.map((e) => ({ value: e.id, label: `${e.name}${showOwner ? ` (${e.ownerEmail})` : ""}${e.deleted ? ", deleted" : ""}` })),
  ];
  return (
    <form
      method="get"
      action="/settings/agents#agent-activity"
      role="search"
      aria-label="Filter agent activity"
      className="grid grid-cols-1 gap-4 rounded-lg border border-gray-300 bg-white p-4 sm:grid-cols-2 lg:grid-cols-4"
    >
      <Select className={fit} label="Tool" name="tool" defaultValue={filters.tool ?? ""} options={toolOptions} errors={err("tool")} />
      <Select className={fit} label="Outcome" name="outcome" defaultValue={filters.outcome ?? ""} options={outcomeOptions} errors={err("outcome")} />
      {showOwner ? (
        <Select
          className={fit}
          label="Owner"
          name="owner"
          defaultValue={filters.ownerId ?? ""}
          options={[{ value: "", label: "Any owner" }, ...options.owners.map((o) => ({ value: o.id, label: o.email }))]}
          errors={err("owner")}
        />
      ) : null}
      <Select className={fit} label="Environment" name="environment" defaultValue={filters.environmentId ?? ""} options={environmentOptions} errors={err("environment")} />
      <div className="flex flex-wrap items-center gap-3 self-end sm:col-span-2 lg:col-span-4">
        <Button type="submit">Apply filters</Button>
        <Link href={activityHref({})} className="text-sm font-medium text-brand-700 underline">
          Clear filters
        </Link>
      </div>
    </form>
  );
}
