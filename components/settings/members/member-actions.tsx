"use client";

import { useState } from "react";
import {
  changeRoleAction,
  removeMemberAction,
  resendInvitationAction,
  setMemberDisabledAction,
} from "@/app/(settings)/settings/members/actions";
import { Button } from "@/components/ui/button";
import { ConfirmDialog, Dialog } from "@/components/ui/dialog";
import { Select } from "@/components/ui/select";
import { useActionCall } from "@/components/ui/use-action-call";
import type { Role } from "@/db/schema";
import { InviteLink } from "./invite-link";
import { roleOptions } from "./role-options";

type Member = { userId: string; email: string; role: Role; disabled: boolean; invited: boolean };

/** Role change, disable/enable, new invitation link and removal for one member row. */
export function MemberActions({ member, isSelf }: { member: Member; isSelf: boolean }) {
  const [role, setRole] = useState<Role>(member.role);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const [invite, setInvite] = useState<{ inviteUrl: string; expiresAt: string } | null>(null);
  const roleCall = useActionCall(changeRoleAction);
  const disableCall = useActionCall(setMemberDisabledAction);
  const removeCall = useActionCall(removeMemberAction);
  const inviteCall = useActionCall(resendInvitationAction);

  return (
    <div className="flex flex-wrap items-end gap-2">
      <Select
        label={`Role of ${member.email}`}
        hideLabel
        options={roleOptions}
        value={role}
        onChange={(e) => setRole(e.target.value as Role)}
      />
      <Button
        variant="secondary"
        size="sm"
        disabled={role === member.role}
        pending={roleCall.pending}
        onClick={() =>
          roleCall.run({ userId: member.userId, role }, { success: `${member.email} is now ${role}` })
        }
      >
        Save role<span className="sr-only"> for {member.email}</span>
      </Button>
      {member.invited && !member.disabled ? (
        <Button variant="secondary" size="sm" pending={inviteCall.pending} onClick={() => inviteCall.run({ userId: member.userId }, { onSuccess: setInvite })}>
          New invite link<span className="sr-only"> for {member.email}</span>
        </Button>
      ) : null}
      <Button
        variant="secondary"
        size="sm"
        pending={disableCall.pending}
        onClick={() =>
          disableCall.run(
            { userId: member.userId, disabled: member.disabled ? "false" : "true" },
            { success: member.disabled ? `${member.email} enabled` : `${member.email} disabled and signed out` },
          )
        }
      >
        {member.disabled ? "Enable" : "Disable"}
        <span className="sr-only"> {member.email}</span>
      </Button>
      <Button variant="ghost" size="sm" className="text-red-800" onClick={() => setConfirmRemove(true)}>
        Remove<span className="sr-only"> {member.email}</span>
      </Button>
      <ConfirmDialog
        open={confirmRemove}
        onClose={() => setConfirmRemove(false)}
        title={`Remove ${member.email}?`}
        description={
          <>
            {isSelf ? "You are removing your own account: you will be signed out. " : ""}
            Their account, group memberships and any pending invitation are deleted and they are signed out
            at once. The audit log keeps a record. This cannot be undone.
          </>
        }
        confirmLabel="Remove member"
        pending={removeCall.pending}
        onConfirm={() => removeCall.run({ userId: member.userId }, { success: `${member.email} removed`, onSuccess: () => setConfirmRemove(false) })}
      />
      <Dialog open={invite !== null} onClose={() => setInvite(null)} title={`Invitation link for ${member.email}`}>
        {invite ? <InviteLink url={invite.inviteUrl} expiresAt={invite.expiresAt} /> : null}
        <div className="mt-4 flex justify-end">
          <Button variant="secondary" onClick={() => setInvite(null)}>
            Done
          </Button>
        </div>
      </Dialog>
    </div>
  );
}
