"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { deleteGroupAction } from "@/app/(settings)/settings/members/actions";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { useActionCall } from "@/components/ui/use-action-call";

/** Deletes a group after a confirmation that says what happens; `redirectTo` leaves its own page. */
export function DeleteGroupButton({ group, redirectTo }: { group: { id: string; name: string; memberCount: number }; redirectTo?: string }) {
  const [confirm, setConfirm] = useState(false);
  const deleteCall = useActionCall(deleteGroupAction);
  const router = useRouter();
  return (
    <>
      <Button variant="ghost" size="sm" className="text-red-800" onClick={() => setConfirm(true)}>
        Delete group<span className="sr-only"> {group.name}</span>
      </Button>
      <ConfirmDialog
        open={confirm}
        onClose={() => setConfirm(false)}
        title={`Delete the group ${group.name}?`}
        description={`Its ${group.memberCount} ${group.memberCount === 1 ? "member stays" : "members stay"} in the organization; only the group and its memberships are deleted. Policies that refer to this group stop applying to them.`}
        confirmLabel="Delete group"
        pending={deleteCall.pending}
        onConfirm={() =>
          deleteCall.run(
            { groupId: group.id },
            {
              success: `Group ${group.name} deleted`,
              onSuccess: () => {
                setConfirm(false);
                if (redirectTo) router.push(redirectTo);
              },
            },
          )
        }
      />
    </>
  );
}
