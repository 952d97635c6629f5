"use client";

import { addGroupMemberAction } from "@/app/(settings)/settings/members/actions";
import { Button } from "@/components/ui/button";
import { FormErrorAlert } from "@/components/ui/error-alert-form";
import { TextField } from "@/components/ui/input";
import { useToast } from "@/components/ui/toast";
import { useFocusFirstInvalid } from "@/components/ui/use-focus-first-invalid";
import { useFormAction } from "@/components/ui/use-form-action";

/** Adds an organization member to a group by email (on the group's card and on its own page). */
export function AddToGroupForm({ group, className }: { group: { id: string; name: string }; className?: string }) {
  const toast = useToast();
  const add = useFormAction(addGroupMemberAction, {
    resetOnSuccess: true,
    onSuccess: () => toast.show({ tone: "success", title: `Added to ${group.name}` }),
  });
  const rootRef = useFocusFirstInvalid<HTMLDivElement>(add.error);
  return (
    <div ref={rootRef} className={className}>
      <form onSubmit={add.onSubmit} className="flex flex-wrap items-end gap-2" noValidate>
        <input type="hidden" name="groupId" value={group.id} />
        <TextField label={`Add a member to ${group.name} by email`} name="email" type="email" autoComplete="off" className="min-w-64 flex-1" errors={add.fieldErrors?.email} />
        <Button type="submit" variant="secondary" pending={add.pending}>
          Add to group
        </Button>
      </form>
      {add.error ? (
        <div className="mt-2">
          <FormErrorAlert failure={add.error} fields={{ email: { label: "Email" } }} />
        </div>
      ) : null}
    </div>
  );
}
