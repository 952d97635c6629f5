import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/input";
import { RUNNER_NAMES_LIST_ID } from "./runner-name-list";

/**
 * Downloads a support bundle: a member's or a runner's recent trail and configuration state as a
 * redacted JSON file for a ticket. Plain GET forms to the download route (nothing changes).
 */
export function SupportBundleForm({ hasRunners }: { hasRunners: boolean }) {
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
        <TextField
          label="Runner"
          name="runner"
          type="text"
          list={RUNNER_NAMES_LIST_ID}
          required
          disabled={!hasRunners}
          placeholder={hasRunners ? undefined : "No runners yet"}
          autoComplete="off"
          spellCheck={false}
          hint="Its name. The runner's status, integrations (without secrets), connections and trail of the last 14 days"
        />
        <div>
          <Button type="submit" variant="secondary" disabled={!hasRunners}>
            Download runner bundle
          </Button>
        </div>
      </form>
    </div>
  );
}
