"use client";

import { useState } from "react";
import { changeNameAction } from "@/app/(settings)/settings/account/actions";
import { Button } from "@/components/ui/button";
import { ErrorAlertView } from "@/components/ui/error-alert-view";
import { TextField } from "@/components/ui/input";
import { useFormAction } from "@/components/ui/use-form-action";
import { useFocusFirstInvalid } from "@/components/ui/use-focus-first-invalid";

/** The signed-in user's display name, as shown to admins on Members and in the audit log. */
export function ChangeNameForm({ name, email }: { name: string; email: string }) {
  const [saved, setSaved] = useState<string | null>(null);
  const { pending, onSubmit, formAction, fieldErrors, error } = useFormAction(changeNameAction, { onSuccess: (d) => setSaved(d.name) });
  const formRef = useFocusFirstInvalid(error);
  return (
    <form ref={formRef} action={formAction} onSubmit={(e) => { setSaved(null); onSubmit(e); }} className="flex flex-col gap-3" noValidate>
      <p className="text-sm text-gray-700">
        Signed in as <strong className="break-all">{email}</strong>. Your email is your sign-in name; an admin can change who has access.
      </p>
      {error && !error.fieldErrors ? <ErrorAlertView code={error.code} entry={error.entry} message={error.message} docsLink={false} /> : null}
      <TextField label="Name" name="name" autoComplete="name" required maxLength={100} defaultValue={name} errors={fieldErrors?.name} />
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" pending={pending}>
          Save name
        </Button>
        <p role="status" className="text-sm text-green-800">
          {saved ? `Saved. You appear as ${saved}.` : ""}
        </p>
      </div>
    </form>
  );
}
