/**
 * What the audit log calls each recorded change. Codes are what `writeAudit` callers pass; a code
 * missing here (a newer kind of change) is still shown, spelled out from the code itself.
 */
export const auditActionLabels: Record<string, string> = {
  "org.setup": "Set up the organization",
  "member.add": "Invited a member",
  "member.invitation_accepted": "Accepted an invitation",
  "member.invitation_reissued": "Issued a new invitation link",
  "member.sso_provisioned": "Joined by single sign-on",
  "member.role_changed": "Changed a member's role",
  "member.disabled": "Disabled a member",
  "member.enabled": "Enabled a member",
  "member.removed": "Removed a member",
  "group.created": "Created a group",
  "group.deleted": "Deleted a group",
  "group.member_added": "Added a member to a group",
  "group.member_removed": "Removed a member from a group",
  "runner.created": "Created a runner",
  "runner.registered": "Registered a runner",
  "runner.re_registered": "Registered a runner again (new key)",
  "runner.registration_token_rotated": "Rotated a runner's registration token",
  "runner.shared_use_changed": "Changed a runner's shared use",
  "runner.deleted": "Deleted a runner",
  "integration.created": "Added a Git provider",
  "integration.updated": "Changed a Git provider",
  "integration.removed": "Removed a Git provider",
  "git_auth.connected": "Connected a Git account",
  "git_auth.disconnected": "Disconnected a Git account",
  "agent_policy.updated": "Changed the agent SCM-tools policy",
};

/** The label for an action code: its known label, or the code spelled out (`org.renamed` → "Org: renamed"). */
export function auditActionLabel(code: string): string {
  const known = auditActionLabels[code];
  if (known) return known;
  const [area = "", ...rest] = code.split(".");
  const words = (s: string) => s.replace(/_/g, " ").trim();
  const head = words(area);
  const tail = words(rest.join(" "));
  const capitalised = head.charAt(0).toUpperCase() + head.slice(1);
  return tail ? `${capitalised}: ${tail}` : capitalised || code;
}

/**
 * Target kinds as the filter offers them, each with the stored `target_type` values it covers:
 * a Git provider is recorded as `scm_integration` by admin changes and as `integration` when a
 * person connects or disconnects an account on it.
 */
export const auditTargetKinds = {
  organization: { label: "Organization", types: ["organization"] },
  member: { label: "Member", types: ["user"] },
  group: { label: "Group", types: ["group"] },
  runner: { label: "Runner", types: ["runner"] },
  git_provider: { label: "Git provider", types: ["scm_integration", "integration"] },
  agent_policy: { label: "Agent policy", types: ["agent_policy"] },
} as const satisfies Record<string, { label: string; types: readonly string[] }>;

export type AuditTargetKind = keyof typeof auditTargetKinds;

export function isAuditTargetKind(value: string): value is AuditTargetKind {
  return Object.hasOwn(auditTargetKinds, value);
}

/** The kind a stored `target_type` belongs to, or null for a type this version does not know. */
export function targetKindOf(type: string): AuditTargetKind | null {
  for (const [kind, def] of Object.entries(auditTargetKinds)) {
    if ((def.types as readonly string[]).includes(type)) return kind as AuditTargetKind;
  }
  return null;
}

/** "Runner", "Git provider", …; an unknown type spelled out. */
export function targetTypeLabel(type: string): string {
  const kind = targetKindOf(type);
  if (kind) return auditTargetKinds[kind].label;
  const words = type.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * Who acted, for people reading the log: a person by name and email; `system` (the app itself,
 * e.g. the embedded runner created at first start) and `runner:<name>` (a runner registering)
 * for what is not a person.
 */
export function describeActor(row: { actorId: string | null; actorLabel: string; actorName: string | null; actorEmail: string | null }): { kind: "person" | "system" | "runner"; name: string; email: string | null } {
  if (row.actorName !== null && row.actorEmail !== null) return { kind: "person", name: row.actorName, email: row.actorEmail };
  if (row.actorId === null && row.actorLabel === "system") return { kind: "system", name: "System", email: null };
  if (row.actorId === null && row.actorLabel.startsWith("runner:")) return { kind: "runner", name: `Runner ${row.actorLabel.slice("runner:".length)}`, email: null };
  // A person since removed: the email they had is what the row kept.
  return { kind: "person", name: "Removed user", email: row.actorLabel };
}
