"use client";

import { useState, useTransition } from "react";
import {
  changeRoleAction,
  issuePasswordResetAction,
  removeMemberAction,
  resendInvitationAction,
  setMemberDisabledAction,
} from "@/app/(settings)/settings/members/actions";
import { Button } from "@/components/ui/button";
import { ConfirmDialog, Dialog } from "@/components/ui/dialog";
import { Select } from "@/components/ui/select";
import { useToast } from "@/components/ui/toast";
import { useActionCall } from "@/components/ui/use-action-call";
import { useFocusFirstInvalid } from "@/components/ui/use-focus-first-invalid";
import type { Role } from "@/db/schema";
import { InviteLink } from "./invite-link";
import { ResetLink } from "./reset-link";
import { roleOptions } from "./role-options";

type Member = { userId: string; email: string; role: Role; disabled: boolean; invited: boolean };

/** Role change, disable/enable, invitation and password reset links, and removal for one member row. */
export function MemberActions({ member, isSelf }: { member: Member; isSelf: boolean }) {
  const [role, setRole] = useState<Role>(member.role);
  // An object per refusal, so focus moves to the select each time a change is refused.
  const [roleRefusal, setRoleRefusal] = useState<{ message: string } | null>(null);
  const roleError = roleRefusal?.message ?? null;
  const rootRef = useFocusFirstInvalid<HTMLDivElement>(roleRefusal);
  const [rolePending, startRole] = useTransition();
  const [confirmRemove, setConfirmRemove] = useState(false);
  const [confirmDisable, setConfirmDisable] = useState(false);
  const [invite, setInvite] = useState<{ inviteUrl: string; expiresAt: string } | null>(null);
  const [reset, setReset] = useState<{ resetUrl: string; expiresAt: string } | null>(null);
  const toast = useToast();
  const disableCall = useActionCall(setMemberDisabledAction);
  const removeCall = useActionCall(removeMemberAction);
  const inviteCall = useActionCall(resendInvitationAction);
  const resetCall = useActionCall(issuePasswordResetAction);

  // A refused change (the last admin, say) puts the select back on the stored role and says why
  // next to it, so the row never shows a role the member does not have.
  const saveRole = () =>
    startRole(async () => {
      const result = await changeRoleAction(null, { userId: member.userId, role });
      if (result.ok) {
        setRoleRefusal(null);
        toast.show({ tone: "success", title: `${member.email} is now ${role}` });
        return;
      }
      setRole(member.role);
      setRoleRefusal({ message: `${result.message}. ${result.entry.explanation} The role stays ${member.role}.` });
    });

  const setDisabled = (disabled: boolean) =>
    disableCall.run(
      { userId: member.userId, disabled: disabled ? "true" : "false" },
      { success: disabled ? `${member.email} disabled and signed out` : `${member.email} enabled`, onSuccess: () => setConfirmDisable(false) },
    );

  return (
    <div ref={rootRef} className="flex flex-wrap items-end gap-2">
      <Select
        label={`Role of ${member.email}`}
        hideLabel
        options={roleOptions}
        value={role}
        errors={roleError ? [roleError] : undefined}
        className="max-w-xs"
        onChange={(e) => {
          setRole(e.target.value as Role);
          setRoleRefusal(null);
        }}
      />
      <Button variant="secondary" size="sm" disabled={role === member.role} pending={rolePending} onClick={saveRole}>
        Save role<span className="sr-only"> for {member.email}</span>
      </Button>
      {member.invited && !member.disabled ? (
        <Button variant="secondary" size="sm" pending={inviteCall.pending} onClick={() => inviteCall.run({ userId: member.userId }, { onSuccess: setInvite })}>
          New invite link<span className="sr-only"> for {member.email}</span>
        </Button>
      ) : null}
      {!member.invited && !member.disabled && !isSelf ? (
        <Button variant="secondary" size="sm" pending={resetCall.pending} onClick={() => resetCall.run({ userId: member.userId }, { onSuccess: setReset })}>
          Password reset link<span className="sr-only"> for {member.email}</span>
        </Button>
      ) : null}
      {member.disabled ? (
        <Button variant="secondary" size="sm" pending={disableCall.pending} onClick={() => setDisabled(false)}>
          Enable<span className="sr-only"> {member.email}</span>
        </Button>
      ) : (
        <Button variant="secondary" size="sm" onClick={() => setConfirmDisable(true)}>
          Disable<span className="sr-only"> {member.email}</span>
        </Button>
      )}
      <Button variant="ghost" size="sm" className="text-red-800" onClick={() => setConfirmRemove(true)}>
        Remove<span className="sr-only"> {member.email}</span>
      </Button>
      <ConfirmDialog
        open={confirmDisable}
        onClose={() => setConfirmDisable(false)}
        title={`Disable ${member.email}?`}
        description={
          <>
            {isSelf ? "You are disabling your own account: you will be signed out. " : ""}
            They are signed out at once in every browser and cannot sign in until an admin enables them again. Their
            environments lose access to their Git credentials at the next request. Nothing is deleted.
          </>
        }
        confirmLabel="Disable member"
        pending={disableCall.pending}
        onConfirm={() => setDisabled(true)}
      />
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
      <Dialog open={reset !== null} onClose={() => setReset(null)} title={`Password reset link for ${member.email}`}>
        {reset ? <ResetLink email={member.email} url={reset.resetUrl} expiresAt={reset.expiresAt} /> : null}
        <div className="mt-4 flex justify-end">
          <Button variant="secondary" onClick={() => setReset(null)}>
            Done
          </Button>
        </div>
      </Dialog>
    </div>
  );
}
