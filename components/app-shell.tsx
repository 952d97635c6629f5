import { signOutAction } from "@/app/(auth)/actions";
import { SettingsNav } from "@/components/settings/settings-nav";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { sectionsFor, workspaceSectionsFor } from "@/lib/settings/sections";
import type { Actor } from "@/lib/users/actor";

/**
 * The signed-in frame shared by Settings and the workspace pages (Environments): the sidebar with
 * the pages the actor's role may open, who is signed in, and sign-out.
 */
export function AppShell({ actor, children }: { actor: Actor; children: React.ReactNode }) {
  const workspace = workspaceSectionsFor(actor.role).map(({ href, label }) => ({ href, label }));
  const settings = sectionsFor(actor.role).map(({ href, label }) => ({ href, label }));
  return (
    <div className="flex min-h-screen flex-col md:flex-row">
      <aside className="border-b border-gray-300 bg-white p-4 md:w-64 md:border-b-0 md:border-r">
        <p className="px-3 text-xs font-semibold uppercase tracking-wide text-gray-600">{actor.orgName}</p>
        {workspace.length > 0 ? (
          <div className="mb-4">
            <p className="mb-2 px-3 text-lg font-bold text-gray-900">Workspace</p>
            <SettingsNav items={workspace} label="Workspace" />
          </div>
        ) : null}
        <p className="mb-4 px-3 text-lg font-bold text-gray-900">Settings</p>
        <SettingsNav items={settings} />
        <div className="mt-8 border-t border-gray-200 px-3 pt-4 text-sm">
          <p className="truncate font-medium text-gray-900" title={actor.email}>
            {actor.name}
          </p>
          <p className="truncate text-gray-700">{actor.email}</p>
          <Badge className="mt-1">{actor.role}</Badge>
          <form action={signOutAction} className="mt-3">
            <Button type="submit" variant="secondary" size="sm">
              Sign out
            </Button>
            <p className="mt-1 text-xs text-gray-700">Ends your session in every browser.</p>
          </form>
        </div>
      </aside>
      <main id="main" className="flex-1 p-6 md:p-10">
        {children}
      </main>
    </div>
  );
}
