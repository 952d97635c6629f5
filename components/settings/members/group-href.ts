/** The page listing all members of a group. */
export function groupHref(groupId: string): string {
  return `/settings/members/groups/${groupId}`;
}
