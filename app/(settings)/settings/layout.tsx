import { signOutAction } from "@/app/(auth)/actions";
import { SettingsNav } from "@/components/settings/settings-nav";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { requirePageActor } from "@/lib/auth/get-actor";
import { sectionsFor } from "@/lib/settings/sections";

export default async function SettingsLayout({ children }: { children: React.ReactNode }) {
  const actor = await requirePageActor();
  const items = sectionsFor(actor.role).map(({ href, label }) => ({ href, label }));
  return (
    <div className="flex min-h-screen flex-col md:flex-row">
      <aside className="border-b border-gray-300 bg-white p-4 md:w-64 md:border-b-0 md:border-r">
        <p className="px-3 text-xs font-semibold uppercase tracking-wide text-gray-600">{actor.orgName}</p>
        <p className="mb-4 px-3 text-lg font-bold text-gray-900">Settings</p>
        <SettingsNav items={items} />
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
          </form>
        </div>
      </aside>
      <main id="main" className="flex-1 p-6 md:p-10">
        {children}
      </main>
    </div>
  );
}
