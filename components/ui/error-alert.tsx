import { describeError, isErrorCode } from "@/lib/errors/catalogue";

/**
 * Shows a typed error as people need it: the catalogue's title, what happened, and what to do.
 * `message` (the action's own, already user-safe) replaces the title when it says more.
 */
export function ErrorAlert({ code, message }: { code: string; message?: string }) {
  if (!isErrorCode(code)) code = "internal_error";
  const entry = describeError(code as Parameters<typeof describeError>[0]);
  return (
    <div role="alert" className="rounded-md border border-red-700 bg-red-50 p-3 text-sm text-red-900" data-error-code={code}>
      <p className="font-semibold">{message && message !== entry.title ? message : entry.title}</p>
      <p className="mt-1">{entry.explanation}</p>
      <p className="mt-1">
        <span className="font-medium">What to do: </span>
        {entry.remedy}
      </p>
    </div>
  );
}
