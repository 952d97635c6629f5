import { AppShell } from "@/components/app-shell";
import { requirePageActor } from "@/lib/auth/get-actor";
import { workspaceRoles } from "@/lib/settings/sections";

/** Environments are for people who work on code (admins and members); support gets a 403 here, before the page streams. */
export default async function EnvironmentsLayout({ children }: { children: React.ReactNode }) {
  const actor = await requirePageActor(workspaceRoles("environments"));
  return <AppShell actor={actor}>{children}</AppShell>;
}
