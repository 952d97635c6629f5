import type { Metadata } from "next";
import { PageHeader } from "@/components/settings/page-header";
import { errorCatalogue, errorCodes } from "@/lib/errors/catalogue";

export const metadata: Metadata = { title: "Troubleshooting" };

/**
 * Every typed error code with its title, explanation and remedy, generated from the one catalogue
 * the product speaks (`lib/errors/catalogue.ts`), so this page cannot drift from what people see.
 * Each entry is anchored by its code (`/docs/troubleshooting#operation_aborted`); error messages
 * everywhere link here.
 */
export default function TroubleshootingPage() {
  return (
    <>
      <PageHeader
        title="Troubleshooting"
        description="What each error means and what to do about it. Every error shown in this product has a code; its entry below has the same title, explanation and remedy. Support staff can follow any failure step by step in Settings > Diagnostics."
      />
      <nav aria-label="Error codes" className="mb-8 rounded-lg border border-gray-300 bg-white p-4">
        <h2 className="text-sm font-semibold text-gray-900">Error codes</h2>
        <ul className="mt-2 columns-1 gap-6 text-sm sm:columns-2 lg:columns-3">
          {errorCodes.map((code) => (
            <li key={code} className="break-inside-avoid py-0.5">
              <a href={`#${code}`} className="text-brand-700 underline">
                {errorCatalogue[code].title}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div className="flex flex-col gap-4">
        {errorCodes.map((code) => {
          const entry = errorCatalogue[code];
          return (
            <section
              key={code}
              id={code}
              aria-labelledby={`${code}-title`}
              className="scroll-mt-6 rounded-lg border border-gray-300 bg-white p-4 target:border-brand-600 target:ring-2 target:ring-brand-600"
              data-error-code={code}
            >
              <h2 id={`${code}-title`} className="text-base font-semibold text-gray-900">
                {entry.title}
              </h2>
              <p className="mt-1 text-xs text-gray-700">
                Code <code className="font-mono text-gray-900">{code}</code> · HTTP {entry.status}
              </p>
              <p className="mt-2 text-sm text-gray-800">{entry.explanation}</p>
              <p className="mt-2 text-sm text-gray-900">
                <span className="font-medium">What to do: </span>
                {entry.remedy}
              </p>
              {code === "operation_aborted" ? (
                <p className="mt-2 text-sm text-gray-800">
                  To switch, open Settings &gt; Git Authentications and choose Connect with OAuth for the provider host. If only personal access tokens are offered, ask an admin to
                  enable OAuth for that host in Settings &gt; Runners. Support can see which stage was cancelled, and whether the provider or the runner was at fault, in Settings &gt;
                  Diagnostics.
                </p>
              ) : null}
            </section>
          );
        })}
      </div>
    </>
  );
}
