import Link from "next/link";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { auditActionLabel, auditActionLabels, auditTargetKinds } from "@/lib/audit/labels";
import type { AuditFilters as Filters } from "@/lib/audit/schemas";

const rangeOptions = [
  { value: "all", label: "Any time" },
  { value: "24h", label: "Last 24 hours" },
  { value: "7d", label: "Last 7 days" },
  { value: "30d", label: "Last 30 days" },
  { value: "90d", label: "Last 90 days" },
  { value: "custom", label: "Custom (From and To below)" },
];

const actionOptions = Object.entries(auditActionLabels)
  .map(([value, label]) => ({ value, label }))
  .sort((a, b) => a.label.localeCompare(b.label));

const targetOptions = [{ value: "", label: "Any target" }, ...Object.entries(auditTargetKinds).map(([value, def]) => ({ value, label: def.label }))];

/**
 * The audit-log filters: a plain GET form, so a filtered view is a URL that can be shared or
 * bookmarked and the page works before any JavaScript loads.
 */
export function AuditFilters({ filters, errors }: { filters: Filters; errors: Record<string, string | undefined> }) {
  const err = (key: string) => (errors[key] ? [errors[key]!] : undefined);
  const actions = [{ value: "", label: "Any action" }, ...actionOptions];
  if (filters.action && !Object.hasOwn(auditActionLabels, filters.action)) actions.push({ value: filters.action, label: auditActionLabel(filters.action) });
  const custom = filters.range === "custom";
  return (
    <form method="get" action="/settings/audit-log" role="search" aria-label="Filter the audit log" className="grid gap-4 rounded-lg border border-gray-300 bg-white p-4 sm:grid-cols-2 lg:grid-cols-4">
      <TextField label="Actor" name="actor" type="search" defaultValue={filters.actor ?? ""} hint="Part of a name or email, system, or runner:name" errors={err("actor")} autoComplete="off" maxLength={320} />
      <Select label="Action" name="action" defaultValue={filters.action ?? ""} options={actions} errors={err("action")} />
      <Select label="Target type" name="type" defaultValue={filters.targetKind ?? ""} options={targetOptions} errors={err("type")} />
      <TextField label="Target" name="target" type="search" defaultValue={filters.target ?? ""} hint="Part of its name: a runner, host, email or group" errors={err("target")} autoComplete="off" maxLength={200} />
      <Select label="Time range" name="range" defaultValue={filters.range} options={rangeOptions} errors={err("range")} />
      <TextField label="From (UTC)" name="from" type="datetime-local" defaultValue={custom && filters.from ? filters.from.toISOString().slice(0, 16) : ""} errors={err("from")} />
      <TextField label="To (UTC)" name="to" type="datetime-local" defaultValue={custom && filters.to ? filters.to.toISOString().slice(0, 16) : ""} hint="Includes that whole minute" errors={err("to")} />
      <div className="flex flex-wrap items-center gap-3 self-end pb-1 sm:col-span-2 lg:col-span-1">
        <Button type="submit">Apply filters</Button>
        <Link href="/settings/audit-log" className="text-sm font-medium text-brand-700 underline">
          Clear
        </Link>
      </div>
    </form>
  );
}
