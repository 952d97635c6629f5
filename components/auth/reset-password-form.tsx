"use client";

import { resetPasswordAction } from "@/app/(auth)/reset-password/actions";
import { useFocusFirstInvalid } from "@/components/ui/use-focus-first-invalid";
import { Button } from "@/components/ui/button";
import { ErrorAlertView } from "@/components/ui/error-alert-view";
import { TextField } from "@/components/ui/input";
import { useFormAction } from "@/components/ui/use-form-action";
import { useHydrated } from "@/components/ui/use-hydrated";
import { PASSWORD_MIN } from "@/lib/passwords/limits";

/** Sets a new password through a reset link (posts to its server action, never a GET). */
export function ResetPasswordForm({ token, email }: { token: string; email: string }) {
  const hydrated = useHydrated();
  const { pending, onSubmit, formAction, fieldErrors, error } = useFormAction(resetPasswordAction);
  const formRef = useFocusFirstInvalid(error);
  return (
    <form ref={formRef} action={formAction} onSubmit={onSubmit} className="flex flex-col gap-4" noValidate>
      {error && !error.fieldErrors ? <ErrorAlertView code={error.code} entry={error.entry} message={error.message} docsLink={false} /> : null}
      <input type="hidden" name="token" value={token} />
      {/* Tells password managers which account the new password is for. */}
      <input type="text" name="username" autoComplete="username" value={email} readOnly hidden />
      <TextField
        label="New password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        hint={`At least ${PASSWORD_MIN} characters. Setting it signs you out in every browser.`}
        errors={fieldErrors?.password}
      />
      <Button type="submit" pending={pending} disabled={!hydrated}>
        Set password and sign in
      </Button>
    </form>
  );
}
