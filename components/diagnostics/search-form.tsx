import Link from "next/link";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { errorCatalogue, errorCodes } from "@/lib/errors/catalogue";
import { operationLabel, scmOperations } from "@/lib/diagnostics/operations";
import type { EventFilters } from "@/lib/diagnostics/schemas";
import { toDateTimeLocal } from "./format";
import { RUNNER_NAMES_LIST_ID } from "./runner-name-list";

const rangeOptions = [
  { value: "1h", label: "Last hour" },
  { value: "24h", label: "Last 24 hours" },
  { value: "7d", label: "Last 7 days" },
  { value: "30d", label: "Last 30 days" },
  { value: "custom", label: "Custom (From and To below)" },
];

const outcomeOptions = [
  { value: "", label: "Any outcome" },
  { value: "failed", label: "Failed, cancelled or refused" },
  { value: "succeeded", label: "Without a failure" },
];

/**
 * The trail search: a plain GET form, so a search is a URL support can paste into a ticket and
 * the page works before any JavaScript loads.
 */
export function SearchForm({ filters, errors }: { filters: EventFilters; errors: Record<string, string> }) {
  const err = (key: string) => (errors[key] ? [errors[key]!] : undefined);
  return (
    <form method="get" action="/settings/diagnostics" className="grid grid-cols-1 gap-4 rounded-lg border border-gray-300 bg-white p-4 *:min-w-0 sm:grid-cols-2 lg:grid-cols-4" aria-label="Search the trail" role="search">
      <TextField label="User email" name="email" type="search" defaultValue={filters.email ?? ""} hint="Who acted or whom it was for; all or part of the address" errors={err("email")} autoComplete="off" />
      <TextField label="Runner" name="runner" type="search" list={RUNNER_NAMES_LIST_ID} defaultValue={filters.runnerName ?? filters.runnerId ?? ""} hint="Its name; empty for any runner" errors={err("runner")} autoComplete="off" spellCheck={false} />
      <TextField label="Host" name="host" type="search" defaultValue={filters.host ?? ""} hint="e.g. github.com" errors={err("host")} autoComplete="off" />
      <Select
        label="Error code"
        name="code"
        defaultValue={filters.code ?? ""}
        options={[{ value: "", label: "Any code" }, ...errorCodes.map((c) => ({ value: c, label: `${c} — ${errorCatalogue[c].title}` }))]}
        errors={err("code")}
      />
      <Select
        label="Operation"
        name="operation"
        defaultValue={filters.operation ?? ""}
        options={[{ value: "", label: "Any operation" }, ...scmOperations.map((o) => ({ value: o, label: operationLabel(o) }))]}
        errors={err("operation")}
      />
      <Select label="Outcome" name="outcome" defaultValue={filters.outcome ?? ""} options={outcomeOptions} errors={err("outcome")} />
      <Select label="Time range" name="range" defaultValue={filters.range} options={rangeOptions} />
      <TextField label="From (UTC)" name="from" type="datetime-local" defaultValue={filters.range === "custom" ? toDateTimeLocal(filters.from) : ""} errors={err("from")} />
      <TextField label="To (UTC)" name="to" type="datetime-local" defaultValue={filters.range === "custom" ? toDateTimeLocal(filters.to) : ""} errors={err("to")} />
      <div className="flex items-center gap-3 sm:col-span-2 lg:col-span-4">
        <Button type="submit">Search</Button>
        <Link href="/settings/diagnostics" className="text-sm font-medium text-brand-700 underline">
          Clear
        </Link>
      </div>
    </form>
  );
}
