import type { Role } from "@/db/schema";

/** The settings areas, who may open each, and the sidebar order. Pages and the nav both read it. */
export const settingsSections = [
  { id: "runners", label: "Runners", href: "/settings/runners", roles: ["admin"] },
  { id: "git-authentications", label: "Git Authentications", href: "/settings/git-authentications", roles: ["admin", "member"] },
  { id: "agents", label: "Agents", href: "/settings/agents", roles: ["admin", "member"] },
  { id: "members", label: "Members", href: "/settings/members", roles: ["admin"] },
  { id: "diagnostics", label: "Diagnostics", href: "/settings/diagnostics", roles: ["admin", "support"] },
  { id: "audit-log", label: "Audit log", href: "/settings/audit-log", roles: ["admin", "support"] },
] as const satisfies ReadonlyArray<{ id: string; label: string; href: string; roles: readonly Role[] }>;

export type SettingsSectionId = (typeof settingsSections)[number]["id"];

export function sectionRoles(id: SettingsSectionId): readonly Role[] {
  return settingsSections.find((s) => s.id === id)!.roles;
}

/** The sections a role may open, in sidebar order. */
export function sectionsFor(role: Role) {
  return settingsSections.filter((s) => (s.roles as readonly Role[]).includes(role));
}

/** Pages outside Settings that the sidebar links to (above the settings sections), and who may open each. */
export const workspaceSections = [
  { id: "environments", label: "Environments", href: "/environments", roles: ["admin", "member"] },
] as const satisfies ReadonlyArray<{ id: string; label: string; href: string; roles: readonly Role[] }>;

export type WorkspaceSectionId = (typeof workspaceSections)[number]["id"];

/** Who may open a workspace page (its layout, page and actions all check it). */
export function workspaceRoles(id: WorkspaceSectionId): readonly Role[] {
  return workspaceSections.find((s) => s.id === id)!.roles;
}

/** The workspace pages a role may open, in sidebar order. */
export function workspaceSectionsFor(role: Role) {
  return workspaceSections.filter((s) => (s.roles as readonly Role[]).includes(role));
}
