"use client";

import { changePasswordAction } from "@/app/(settings)/settings/account/actions";
import { Button } from "@/components/ui/button";
import { ErrorAlertView } from "@/components/ui/error-alert-view";
import { TextField } from "@/components/ui/input";
import { useFormAction } from "@/components/ui/use-form-action";
import { useHydrated } from "@/components/ui/use-hydrated";
import { PASSWORD_MIN } from "@/lib/passwords/limits";
import { useFocusFirstInvalid } from "@/components/ui/use-focus-first-invalid";

/**
 * Changes the password (the current one is required). It posts to its server action even before
 * the page hydrates, so a password never ends up in a URL; the button waits for hydration anyway.
 */
export function ChangePasswordForm({ changed }: { changed: boolean }) {
  const hydrated = useHydrated();
  const { pending, onSubmit, formAction, fieldErrors, error } = useFormAction(changePasswordAction);
  const formRef = useFocusFirstInvalid(error);
  return (
    <form ref={formRef} action={formAction} onSubmit={onSubmit} className="flex flex-col gap-3" noValidate>
      {changed && !error ? (
        <p role="status" className="rounded-md border border-green-700 bg-green-50 p-3 text-sm text-green-900">
          Password changed. You were signed out everywhere else; this browser stays signed in.
        </p>
      ) : null}
      {error && !error.fieldErrors ? <ErrorAlertView code={error.code} entry={error.entry} message={error.message} docsLink={false} /> : null}
      <TextField
        label="Current password"
        name="currentPassword"
        type="password"
        autoComplete="current-password"
        required
        errors={fieldErrors?.currentPassword}
      />
      <TextField
        label="New password"
        name="newPassword"
        type="password"
        autoComplete="new-password"
        required
        hint={`At least ${PASSWORD_MIN} characters. Changing it signs you out in every other browser.`}
        errors={fieldErrors?.newPassword}
      />
      <div>
        <Button type="submit" pending={pending} disabled={!hydrated}>
          Change password
        </Button>
      </div>
    </form>
  );
}
