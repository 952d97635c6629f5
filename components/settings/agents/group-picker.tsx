"use client";

import Link from "next/link";
import { useId } from "react";
import type { PolicyGroupOption } from "@/lib/agents/get-agent-policy-settings";

/**
 * The groups SCM tools may be restricted to, as a list of checkboxes (native, so Tab and Space
 * work as everywhere else). Each submits its id as `allowedGroupIds`.
 */
export function GroupPicker({ groups, selected, onChange, errors }: { groups: PolicyGroupOption[]; selected: string[]; onChange: (next: string[]) => void; errors?: string[] }) {
  const base = useId();
  const errorId = errors?.length ? `${base}-error` : undefined;
  if (groups.length === 0) {
    return (
      <div className="rounded-md border border-dashed border-gray-400 p-3 text-sm text-gray-700">
        <p>
          Your organization has no groups yet. Create one and add people to it in{" "}
          <Link href="/settings/members" className="font-medium text-brand-700 underline">
            Settings &gt; Members
          </Link>
          , then choose it here.
        </p>
        {errorId ? (
          <p id={errorId} className="mt-1 text-xs text-red-700">
            {errors?.join(" ")}
          </p>
        ) : null}
      </div>
    );
  }
  return (
    <fieldset className="flex flex-col gap-2" aria-describedby={errorId}>
      <legend className="text-sm font-medium text-gray-900">Allowed groups</legend>
      <ul className="grid gap-2 sm:grid-cols-2">
        {groups.map((g) => {
          const id = `${base}-${g.id}`;
          return (
            <li key={g.id} className="flex items-center gap-2">
              <input
                id={id}
                type="checkbox"
                name="allowedGroupIds"
                value={g.id}
                checked={selected.includes(g.id)}
                onChange={(e) => onChange(e.target.checked ? [...selected, g.id] : selected.filter((x) => x !== g.id))}
                className="h-4 w-4 rounded border-gray-500"
              />
              <label htmlFor={id} className="text-sm text-gray-900">
                {g.name} <span className="text-gray-700">({g.memberCount === 1 ? "1 member" : `${g.memberCount} members`})</span>
              </label>
            </li>
          );
        })}
      </ul>
      {errorId ? (
        <p id={errorId} className="text-xs text-red-700">
          {errors?.join(" ")}
        </p>
      ) : null}
    </fieldset>
  );
}
