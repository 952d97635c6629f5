import { describeError, isErrorCode } from "@/lib/errors/catalogue";
import { troubleshootingHref } from "@/lib/errors/troubleshooting-href";

/** An error code with its catalogue title, linking to its troubleshooting entry. */
export function ErrorCodeLink({ code }: { code: string | null }) {
  if (!code) return <span className="text-gray-600">—</span>;
  const known = isErrorCode(code);
  return (
    <span className="flex flex-col">
      <a href={troubleshootingHref(code)} className="font-mono text-xs text-brand-700 underline" data-error-link={code}>
        {code}
      </a>
      {known ? <span className="text-xs text-gray-700">{describeError(code).title}</span> : null}
    </span>
  );
}
