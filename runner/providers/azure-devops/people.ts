import { ToolFailure } from "../../agent-tools/tool-error";
import type { UserItem } from "../../agent-tools/tool-output";
import type { AzureRest } from "./rest";

/**
 * People on Azure DevOps. Identities are named by their sign-in address (`uniqueName`: an email
 * on Services, `DOMAIN\user` on Server); the tools' user names are its account part (before the
 * `@`, after the `\`), which is what people type and what the tools' inputs accept. Assignable
 * people are the members of the project's default team.
 */

export type AzIdentity = { id?: string; displayName?: string; uniqueName?: string };
type TeamMember = { identity?: AzIdentity };

/** The user name of an identity, or null. */
export function loginOf(identity: AzIdentity | null | undefined): string | null {
  const unique = identity?.uniqueName?.trim();
  if (!unique) return identity?.displayName ?? null;
  return unique.split("\\").pop()!.split("@")[0] || unique;
}

export function userItem(identity: AzIdentity): UserItem {
  return { login: loginOf(identity) ?? identity.id ?? "", name: identity.displayName ?? null, url: null };
}

/** The project's default team: its id and name. */
export async function defaultTeam(rest: AzureRest): Promise<{ id: string; name: string }> {
  const project = await rest.get<{ defaultTeam?: { id: string; name: string } }>(rest.org(`projects/${encodeURIComponent(rest.target.project)}`));
  if (!project.defaultTeam) throw new ToolFailure("provider_error", `The Azure DevOps project ${rest.target.project} has no default team, so no one can be named.`);
  return project.defaultTeam;
}

const MEMBERS_PER_PAGE = 100;
const MEMBER_PAGES_READ = 10;

/** A page of the default team's members (`$top`/`$skip`). */
export async function teamMembers(rest: AzureRest, teamId: string, top: number, skip: number): Promise<AzIdentity[]> {
  const url = rest.org(`projects/${encodeURIComponent(rest.target.project)}/teams/${encodeURIComponent(teamId)}/members`);
  const page = await rest.get<{ value?: TeamMember[] }>(url, { $top: top, $skip: skip });
  return (page.value ?? []).map((m) => m.identity).filter((i): i is AzIdentity => !!i);
}

/** Every member of the default team, up to 1,000. */
export async function allTeamMembers(rest: AzureRest, teamId: string): Promise<AzIdentity[]> {
  const all: AzIdentity[] = [];
  for (let page = 0; page < MEMBER_PAGES_READ; page += 1) {
    const members = await teamMembers(rest, teamId, MEMBERS_PER_PAGE, page * MEMBERS_PER_PAGE);
    all.push(...members);
    if (members.length < MEMBERS_PER_PAGE) break;
  }
  return all;
}

/** Whether an identity answers to a user name as the tools take it. */
export function answersTo(identity: AzIdentity, login: string): boolean {
  const wanted = login.toLowerCase();
  return [loginOf(identity), identity.uniqueName, identity.displayName].some((n) => n?.toLowerCase() === wanted);
}

/** The team members named by `logins`, or validation_failed naming who is not on the team. */
export async function resolvePeople(rest: AzureRest, logins: string[], field: string): Promise<AzIdentity[]> {
  if (logins.length === 0) return [];
  const team = await defaultTeam(rest);
  const members = await allTeamMembers(rest, team.id);
  const unknown = logins.filter((l) => !members.some((m) => answersTo(m, l)));
  if (unknown.length > 0) {
    const names = unknown.map((u) => `"${u}"`).join(", ");
    throw new ToolFailure("validation_failed", `${names} ${unknown.length === 1 ? "is" : "are"} not on the Azure DevOps project's team (${team.name}); nothing was changed. list_assignable_users lists who can be named.`, {
      fieldErrors: { [field]: unknown.map((u) => `Unknown user "${u}".`) },
    });
  }
  return logins.map((l) => members.find((m) => answersTo(m, l))!);
}

/** Who the token acts as: `connectionData`'s authenticated user. */
export async function me(rest: AzureRest): Promise<{ id: string; user: UserItem }> {
  const data = await rest.get<{ authenticatedUser?: { id?: string; providerDisplayName?: string; properties?: { Account?: { $value?: string } } } }>(rest.org("connectionData"));
  const user = data.authenticatedUser;
  if (!user?.id) throw new ToolFailure("provider_error", "Azure DevOps did not say which account the token belongs to.");
  const account = user.properties?.Account?.$value;
  return { id: user.id, user: userItem({ id: user.id, uniqueName: account, displayName: user.providerDisplayName }) };
}
