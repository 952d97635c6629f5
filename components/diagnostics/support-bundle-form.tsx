import { Button } from "@/components/ui/button";
import { ErrorAlertView } from "@/components/ui/error-alert-view";
import { TextField } from "@/components/ui/input";
import { describeError, isErrorCode } from "@/lib/errors/catalogue";
import { RUNNER_NAMES_LIST_ID } from "./runner-name-list";

/** Why the last bundle could not be built, as the page's URL carries it (a catalogue code, and what was asked for). */
export type BundleError = { code: string; userEmail?: string; runner?: string };

function errorMessage(error: BundleError): string | undefined {
  if (error.code === "not_found" && error.userEmail) return `No member of your organization has the email address ${error.userEmail}.`;
  if (error.code === "not_found" && error.runner) return `No runner of your organization is named ${error.runner}.`;
  if (error.code === "validation_failed") return "Enter a member's email address or a runner's name.";
  return undefined;
}

/**
 * Downloads a support bundle: a member's or a runner's recent trail and configuration state as a
 * redacted JSON file for a ticket. Plain GET forms (nothing changes); when a bundle cannot be
 * built the page comes back here with the error and the value that was asked for.
 */
export function SupportBundleForm({ hasRunners, error }: { hasRunners: boolean; error?: BundleError }) {
  const code = error && isErrorCode(error.code) ? error.code : error ? "internal_error" : null;
  const alert = code ? <ErrorAlertView code={code} entry={describeError(code)} message={errorMessage(error!)} /> : null;
  return (
    <div className="grid gap-4 md:grid-cols-2">
      <form method="get" action="/settings/diagnostics/bundle" className="flex min-w-0 flex-col gap-3 rounded-lg border border-gray-300 bg-white p-4" aria-label="Support bundle for a member">
        {alert && !error?.runner ? alert : null}
        <TextField label="Member email" name="userEmail" type="email" required autoComplete="off" defaultValue={error?.userEmail ?? ""} hint="The member's connections, clones and trail of the last 14 days" />
        <div>
          <Button type="submit" variant="secondary">
            Download member bundle
          </Button>
        </div>
      </form>
      <form method="get" action="/settings/diagnostics/bundle" className="flex min-w-0 flex-col gap-3 rounded-lg border border-gray-300 bg-white p-4" aria-label="Support bundle for a runner">
        {alert && error?.runner ? alert : null}
        <TextField
          label="Runner"
          name="runner"
          type="text"
          list={RUNNER_NAMES_LIST_ID}
          required
          disabled={!hasRunners}
          defaultValue={error?.runner ?? ""}
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
