"use client";

import { useState } from "react";
import { addGroupMemberAction, deleteGroupAction, removeGroupMemberAction } from "@/app/(settings)/settings/members/actions";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { ErrorAlert } from "@/components/ui/error-alert";
import { TextField } from "@/components/ui/input";
import { useActionCall } from "@/components/ui/use-action-call";
import { useFormAction } from "@/components/ui/use-form-action";

type Group = {
  id: string;
  name: string;
  description: string;
  memberCount: number;
  members: { userId: string; email: string; name: string }[];
};

export function GroupCard({ group }: { group: Group }) {
  const [confirmDelete, setConfirmDelete] = useState(false);
  const removeCall = useActionCall(removeGroupMemberAction);
  const deleteCall = useActionCall(deleteGroupAction);
  const add = useFormAction(addGroupMemberAction, { resetOnSuccess: true });
  const headingId = `group-${group.id}`;
  return (
    <section aria-labelledby={headingId} className="rounded-lg border border-gray-300 bg-white p-4">
      <div className="flex items-start justify-between gap-2">
        <div>
          <h3 id={headingId} className="font-semibold text-gray-900">
            {group.name}
          </h3>
          {group.description ? <p className="text-sm text-gray-700">{group.description}</p> : null}
          <p className="text-xs text-gray-600">
            {group.memberCount} {group.memberCount === 1 ? "member" : "members"}
          </p>
        </div>
        <Button variant="ghost" size="sm" className="text-red-800" onClick={() => setConfirmDelete(true)}>
          Delete group<span className="sr-only"> {group.name}</span>
        </Button>
      </div>
      {group.members.length > 0 ? (
        <ul className="mt-3 flex flex-wrap gap-2" aria-label={`Members of ${group.name}`}>
          {group.members.map((m) => (
            <li key={m.userId} className="flex items-center gap-1 rounded-full bg-gray-100 py-0.5 pl-3 pr-1 text-sm text-gray-900">
              {m.email}
              <button
                type="button"
                className="rounded-full px-1.5 text-gray-700 hover:bg-gray-300 hover:text-gray-900"
                aria-label={`Remove ${m.email} from ${group.name}`}
                disabled={removeCall.pending}
                onClick={() => removeCall.run({ groupId: group.id, userId: m.userId }, { success: `${m.email} removed from ${group.name}` })}
              >
                ×
              </button>
            </li>
          ))}
          {group.memberCount > group.members.length ? <li className="text-sm text-gray-700">and {group.memberCount - group.members.length} more</li> : null}
        </ul>
      ) : (
        <p className="mt-3 text-sm text-gray-700">No members yet.</p>
      )}
      <form onSubmit={add.onSubmit} className="mt-3 flex flex-wrap items-end gap-2" noValidate>
        <input type="hidden" name="groupId" value={group.id} />
        <TextField label={`Add a member to ${group.name} by email`} name="email" type="email" autoComplete="off" className="min-w-64 flex-1" errors={add.fieldErrors?.email} />
        <Button type="submit" variant="secondary" pending={add.pending}>
          Add to group
        </Button>
      </form>
      {add.error && !add.error.fieldErrors ? (
        <div className="mt-2">
          <ErrorAlert code={add.error.code} message={add.error.message} />
        </div>
      ) : null}
      <ConfirmDialog
        open={confirmDelete}
        onClose={() => setConfirmDelete(false)}
        title={`Delete the group ${group.name}?`}
        description={`Its ${group.memberCount} members stay in the organization; only the group and its memberships are deleted. Policies that refer to this group stop applying to them.`}
        confirmLabel="Delete group"
        pending={deleteCall.pending}
        onConfirm={() => deleteCall.run({ groupId: group.id }, { success: `Group ${group.name} deleted`, onSuccess: () => setConfirmDelete(false) })}
      />
    </section>
  );
}
