"use client";

import { useState } from "react";
import { renameOrganizationAction } from "@/app/(settings)/settings/account/actions";
import { Button } from "@/components/ui/button";
import { ErrorAlertView } from "@/components/ui/error-alert-view";
import { TextField } from "@/components/ui/input";
import { useFormAction } from "@/components/ui/use-form-action";
import { useFocusFirstInvalid } from "@/components/ui/use-focus-first-invalid";

/** Renames the organization (admins); every member sees the new name at their next page. */
export function RenameOrganizationForm({ name }: { name: string }) {
  const [saved, setSaved] = useState<string | null>(null);
  const { pending, onSubmit, formAction, fieldErrors, error } = useFormAction(renameOrganizationAction, { onSuccess: (d) => setSaved(d.name) });
  const formRef = useFocusFirstInvalid(error);
  return (
    <form ref={formRef} action={formAction} onSubmit={(e) => { setSaved(null); onSubmit(e); }} className="flex flex-col gap-3" noValidate>
      {error && !error.fieldErrors ? <ErrorAlertView code={error.code} entry={error.entry} message={error.message} docsLink={false} /> : null}
      <TextField label="Organization name" name="name" required maxLength={100} defaultValue={name} errors={fieldErrors?.name} />
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" pending={pending}>
          Rename organization
        </Button>
        <p role="status" className="text-sm text-green-800">
          {saved ? `Renamed to ${saved}. The change is in the audit log.` : ""}
        </p>
      </div>
    </form>
  );
}
