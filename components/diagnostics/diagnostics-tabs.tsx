import Link from "next/link";
import { cn } from "@/components/ui/cn";

export const diagnosticsTabs = [
  { id: "trail", label: "Trail", href: "/settings/diagnostics" },
  { id: "check-access", label: "Check access", href: "/settings/diagnostics?tab=check-access" },
  { id: "bundle", label: "Support bundle", href: "/settings/diagnostics?tab=bundle" },
] as const;

export type DiagnosticsTabId = (typeof diagnosticsTabs)[number]["id"];

/** The tab a query string asks for; the trail when none or an unknown one. */
export function diagnosticsTab(value: string | string[] | undefined): DiagnosticsTabId {
  const v = Array.isArray(value) ? value[0] : value;
  return diagnosticsTabs.find((t) => t.id === v)?.id ?? "trail";
}

/** Links to the page's three parts (each its own URL), the current one marked with aria-current. */
export function DiagnosticsTabs({ current }: { current: DiagnosticsTabId }) {
  return (
    <nav aria-label="Diagnostics sections" className="mb-6 border-b border-gray-300">
      <ul className="-mb-px flex flex-wrap gap-x-1">
        {diagnosticsTabs.map((t) => (
          <li key={t.id}>
            <Link
              href={t.href}
              aria-current={t.id === current ? "page" : undefined}
              className={cn(
                "block border-b-2 px-3 py-2 text-sm font-medium",
                t.id === current ? "border-brand-600 text-brand-700" : "border-transparent text-gray-800 hover:border-gray-400",
              )}
            >
              {t.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
