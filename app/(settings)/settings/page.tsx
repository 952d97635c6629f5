import { redirect } from "next/navigation";
import { requirePageActor } from "@/lib/auth/get-actor";
import { sectionsFor } from "@/lib/settings/sections";

export default async function SettingsIndex() {
  const actor = await requirePageActor();
  const first = sectionsFor(actor.role)[0];
  redirect(first ? first.href : "/login");
}
