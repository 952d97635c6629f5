import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/input";
import { Select } from "@/components/ui/select";

/**
 * Downloads a support bundle: a member's or a runner's recent trail and configuration state as a
 * redacted JSON file for a ticket. Plain GET forms to the download route (nothing changes).
 */
export function SupportBundleForm({ runners }: { runners: { id: string; name: string }[] }) {
  return (
    <div className="grid gap-4 md:grid-cols-2">
      <form method="get" action="/api/diagnostics/bundle" className="flex flex-col gap-3 rounded-lg border border-gray-300 bg-white p-4" aria-label="Support bundle for a member">
        <TextField label="Member email" name="userEmail" type="email" required autoComplete="off" hint="The member's connections, clones and trail of the last 14 days" />
        <div>
          <Button type="submit" variant="secondary">
            Download member bundle
          </Button>
        </div>
      </form>
      <form method="get" action="/api/diagnostics/bundle" className="flex flex-col gap-3 rounded-lg border border-gray-300 bg-white p-4" aria-label="Support bundle for a runner">
        <Select label="Runner" name="runnerId" required defaultValue={runners[0]?.id ?? ""} options={runners.length ? runners.map((r) => ({ value: r.id, label: r.name })) : [{ value: "", label: "No runners yet" }]} />
        <p className="text-xs text-gray-600">The runner&apos;s status, integrations (without secrets), connections and trail of the last 14 days</p>
        <div>
          <Button type="submit" variant="secondary" disabled={runners.length === 0}>
            Download runner bundle
          </Button>
        </div>
      </form>
    </div>
  );
}
