"use client";

import { removeGroupMemberAction } from "@/app/(settings)/settings/members/actions";
import { Button } from "@/components/ui/button";
import { useActionCall } from "@/components/ui/use-action-call";

/**
 * Removes one member from a group at once (they stay in the organization; adding them back is
 * one step), so no confirmation.
 */
export function RemoveFromGroupButton({ group, member }: { group: { id: string; name: string }; member: { userId: string; email: string } }) {
  const removeCall = useActionCall(removeGroupMemberAction);
  const run = () => removeCall.run({ groupId: group.id, userId: member.userId }, { success: `${member.email} removed from ${group.name}` });
  return (
    <Button variant="ghost" size="sm" className="text-red-800" pending={removeCall.pending} onClick={run}>
      Remove<span className="sr-only"> {member.email} from {group.name}</span>
    </Button>
  );
}
