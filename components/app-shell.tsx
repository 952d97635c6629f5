import Link from "next/link";
import { signOutAction } from "@/app/(auth)/actions";
import { SettingsNav } from "@/components/settings/settings-nav";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { sectionsFor, workspaceSectionsFor } from "@/lib/settings/sections";
import type { Actor } from "@/lib/users/actor";

/**
 * The signed-in frame shared by Settings and the workspace pages (Environments): the sidebar with
 * the pages the actor's role may open, who is signed in, and sign-out.
 *
 * From the md breakpoint up the sidebar has a fixed width and stays in view while the page scrolls;
 * below it the same links wrap into a compact bar above the page, so the first screen shows content.
 * `min-w-0` on main lets wide tables scroll inside their own container instead of widening the page.
 */
export function AppShell({ actor, children }: { actor: Actor; children: React.ReactNode }) {
  const workspace = workspaceSectionsFor(actor.role).map(({ href, label }) => ({ href, label }));
  const settings = sectionsFor(actor.role).map(({ href, label }) => ({ href, label }));
  return (
    <div className="flex min-h-screen flex-col md:flex-row">
      <aside className="flex flex-col gap-3 border-b border-gray-300 bg-white px-4 py-3 md:sticky md:top-0 md:h-screen md:w-64 md:shrink-0 md:gap-0 md:overflow-y-auto md:border-b-0 md:border-r md:p-4">
        <p className="px-3 text-xs font-semibold uppercase tracking-wide text-gray-600">{actor.orgName}</p>
        {workspace.length > 0 ? (
          <div className="md:mb-4">
            <p className="mb-1 px-3 text-sm font-bold text-gray-900 md:mb-2 md:text-lg">Workspace</p>
            <SettingsNav items={workspace} label="Workspace" />
          </div>
        ) : null}
        <div>
          <p className="mb-1 px-3 text-sm font-bold text-gray-900 md:mb-4 md:text-lg">Settings</p>
          <SettingsNav items={settings} />
        </div>
        <div className="flex flex-wrap items-center gap-x-3 gap-y-1 border-t border-gray-200 px-3 pt-3 text-sm md:mt-8 md:block md:pt-4">
          <p className="min-w-0 truncate font-medium text-gray-900" title={actor.email}>
            {actor.name}
          </p>
          <p className="min-w-0 truncate text-gray-700">{actor.email}</p>
          <Badge className="md:mt-1">{actor.role}</Badge>
          <Link href="/settings/account" className="font-medium text-brand-700 underline md:mt-2 md:block">
            Account<span className="sr-only">: your name and password</span>
          </Link>
          <form action={signOutAction} className="flex items-center gap-2 md:mt-3 md:block">
            <Button type="submit" variant="secondary" size="sm">
              Sign out
            </Button>
            <p className="text-xs text-gray-700 md:mt-1">Ends your session in every browser.</p>
          </form>
        </div>
      </aside>
      <main id="main" className="min-w-0 flex-1 p-4 sm:p-6 md:p-10">
        {children}
      </main>
    </div>
  );
}
