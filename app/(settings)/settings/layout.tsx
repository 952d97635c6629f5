import { AppShell } from "@/components/app-shell";
import { requirePageActor } from "@/lib/auth/get-actor";

export default async function SettingsLayout({ children }: { children: React.ReactNode }) {
  const actor = await requirePageActor();
  return <AppShell actor={actor}>{children}</AppShell>;
}
