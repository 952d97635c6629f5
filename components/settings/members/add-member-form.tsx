"use client";

import { useState } from "react";
import { addMemberAction } from "@/app/(settings)/settings/members/actions";
import { Button } from "@/components/ui/button";
import { FormErrorAlert } from "@/components/ui/error-alert-form";
import { TextField } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { useFocusFirstInvalid } from "@/components/ui/use-focus-first-invalid";
import { useFormAction } from "@/components/ui/use-form-action";
import { roleOptions } from "./role-options";
import { InviteLink } from "./invite-link";

export function AddMemberForm() {
  const [invite, setInvite] = useState<{ email: string; inviteUrl: string; expiresAt: string } | null>(null);
  const { pending, onSubmit, fieldErrors, error } = useFormAction(addMemberAction, { onSuccess: setInvite, resetOnSuccess: true });
  const sectionRef = useFocusFirstInvalid<HTMLElement>(error);
  return (
    <section ref={sectionRef} aria-labelledby="add-member-heading" className="rounded-lg border border-gray-300 bg-white p-4">
      <h2 id="add-member-heading" className="text-base font-semibold text-gray-900">
        Add a member
      </h2>
      <p className="mt-1 text-sm text-gray-700">They get a one-time link to choose their own password. With single sign-on they can also sign in through your identity provider.</p>
      <form onSubmit={onSubmit} className="mt-3 grid gap-3 md:grid-cols-[1fr_1fr_10rem_auto] md:items-end" noValidate>
        <TextField label="Email" name="email" type="email" required autoComplete="off" errors={fieldErrors?.email} />
        <TextField label="Name" name="name" required autoComplete="off" maxLength={100} errors={fieldErrors?.name} />
        <Select label="Role" name="role" options={roleOptions} defaultValue="member" errors={fieldErrors?.role} />
        <Button type="submit" pending={pending}>
          Add member
        </Button>
      </form>
      <div className="mt-3 flex flex-col gap-2">
        <FormErrorAlert failure={error} fields={{ email: { label: "Email" }, name: { label: "Name" }, role: { label: "Role" } }} />
        {invite ? <InviteLink email={invite.email} url={invite.inviteUrl} expiresAt={invite.expiresAt} /> : null}
      </div>
    </section>
  );
}
