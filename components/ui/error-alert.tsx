import { describeError, isErrorCode } from "@/lib/errors/catalogue";
import { ErrorAlertView } from "./error-alert-view";

/**
 * Shows a typed error from the catalogue (unknown codes as `internal_error`); see `ErrorAlertView`.
 * For server components: it imports the whole catalogue, so a client component importing it
 * ships every code's text. Client code renders `ErrorAlertView` with the `entry` the server sent.
 */
export function ErrorAlert({ code, message, docsLink = true }: { code: string; message?: string; docsLink?: boolean }) {
  const known = isErrorCode(code) ? code : "internal_error";
  return <ErrorAlertView code={known} entry={describeError(known)} message={message} docsLink={docsLink} />;
}
