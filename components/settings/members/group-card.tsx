"use client";

import Link from "next/link";
import type { GroupMemberPreview } from "@/lib/groups/list-groups";
import { groupHref } from "./group-href";
import { DeleteGroupButton } from "./delete-group-button";

type Group = {
  id: string;
  name: string;
  description: string;
  memberCount: number;
  /** The most recently added members (a preview); the group's page lists them all. */
  members: GroupMemberPreview[];
};

/**
 * A group on the Members page: its most recently added members and a link to its own page, where
 * members are added, listed in full and removed; and delete. (A form per card would repeat on
 * every group of a large organization.)
 */
export function GroupCard({ group }: { group: Group }) {
  const headingId = `group-${group.id}`;
  const more = group.memberCount - group.members.length;
  return (
    <section aria-labelledby={headingId} className="rounded-lg border border-gray-300 bg-white p-4">
      <div className="flex items-start justify-between gap-2">
        <div>
          <h3 id={headingId} className="font-semibold text-gray-900">
            <Link href={groupHref(group.id)} className="hover:underline">
              {group.name}
            </Link>
          </h3>
          {group.description ? <p className="text-sm text-gray-700">{group.description}</p> : null}
          <p className="text-xs text-gray-600">
            {group.memberCount} {group.memberCount === 1 ? "member" : "members"}
            {more > 0 ? ", newest first" : null}
          </p>
        </div>
        <DeleteGroupButton group={group} />
      </div>
      {group.members.length > 0 ? (
        <ul className="mt-3 flex flex-wrap items-center gap-2 text-sm text-gray-900" aria-label={`Members of ${group.name}`}>
          {group.members.map((m) => (
            <li key={m.userId} className="rounded-full bg-gray-100 px-2.5 py-0.5">
              {m.email}
            </li>
          ))}
          {more > 0 ? <li>and {more} more</li> : null}
        </ul>
      ) : (
        <p className="mt-3 text-sm text-gray-700">No members yet.</p>
      )}
      <Link href={groupHref(group.id)} className="mt-3 inline-block text-sm font-medium text-brand-700 underline">
        {more > 0 ? `View all ${group.memberCount} members` : group.memberCount > 0 ? "Manage members" : "Add members"}
        <span className="sr-only"> of {group.name}</span>
      </Link>
    </section>
  );
}
