import type { ErrorDescription } from "@/lib/errors/error-description";
import { troubleshootingHref } from "@/lib/errors/troubleshooting-href";

/**
 * How a typed error looks (the one renderer of typed errors): the entry's title, what happened, and what to do, with the code itself
 * and a link to its entry on the troubleshooting page (support asks for the code). `message` (the
 * action's own, already user-safe) replaces the title when it says more. `docsLink={false}` leaves
 * the link out where the reader is not signed in (the sign-in forms). Focusable by script
 * (`tabindex="-1"`), so a refused form with no field at fault can move focus here. `entry` comes
 * from the server (an action's failure, a status route's JSON, a server component's prop: see
 * `describeCode`), so client code never bundles the catalogue.
 */
export function ErrorAlertView({ code, entry, message, docsLink = true }: { code: string; entry: ErrorDescription; message?: string; docsLink?: boolean }) {
  return (
    <div role="alert" tabIndex={-1} className="rounded-md border border-red-700 bg-red-50 p-3 text-sm text-red-900" data-error-code={code}>
      <p className="font-semibold">{message && message !== entry.title ? message : entry.title}</p>
      <p className="mt-1">{entry.explanation}</p>
      <p className="mt-1">
        <span className="font-medium">What to do: </span>
        {entry.remedy}
      </p>
      {docsLink ? (
        <p className="mt-1 text-xs">
          Error code <code className="font-mono">{code}</code> ·{" "}
          <a href={troubleshootingHref(code)} className="font-medium underline">
            Troubleshooting<span className="sr-only"> for {entry.title}</span>
          </a>
        </p>
      ) : null}
    </div>
  );
}
