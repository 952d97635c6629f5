"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/components/ui/cn";

/** A sidebar list of links (a wrapping row below the md breakpoint); the current page is marked with aria-current. */
export function SettingsNav({ items, label = "Settings" }: { items: ReadonlyArray<{ href: string; label: string }>; label?: string }) {
  const pathname = usePathname();
  return (
    <nav aria-label={label}>
      <ul className="flex flex-wrap gap-1 md:flex-col">
        {items.map((item) => {
          const active = pathname === item.href || pathname.startsWith(item.href + "/");
          return (
            <li key={item.href}>
              <Link
                href={item.href}
                aria-current={active ? "page" : undefined}
                className={cn(
                  "block rounded-md px-3 py-1.5 text-sm font-medium md:py-2",
                  active ? "bg-brand-600 text-white" : "text-gray-800 hover:bg-gray-200",
                )}
              >
                {item.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
