import type { SettingsSectionId } from "../settings/sections";
import { sectionRoles } from "../settings/sections";
import { requirePageActor } from "./get-actor";

/**
 * Role check for a settings section, called from the section's layout: a layout renders before
 * the section's loading boundary starts streaming, so a refusal still gets a real 403 status.
 * Pages and actions check again themselves.
 */
export async function guardSection(id: SettingsSectionId): Promise<void> {
  await requirePageActor(sectionRoles(id));
}
