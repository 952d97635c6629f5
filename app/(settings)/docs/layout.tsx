import { AppShell } from "@/components/app-shell";
import { requirePageActor } from "@/lib/auth/get-actor";

/** Documentation pages are for every signed-in person, whatever their role. */
export default async function DocsLayout({ children }: { children: React.ReactNode }) {
  const actor = await requirePageActor();
  return <AppShell actor={actor}>{children}</AppShell>;
}
