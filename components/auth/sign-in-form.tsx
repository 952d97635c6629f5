"use client";

import { signInAction, ssoSignInAction } from "@/app/(auth)/actions";
import { Button } from "@/components/ui/button";
import { ErrorAlertView } from "@/components/ui/error-alert-view";
import { TextField } from "@/components/ui/input";
import { useFormAction } from "@/components/ui/use-form-action";
import type { ErrorDescription } from "@/lib/errors/error-description";

export function SignInForm({ returnTo, sso, initialError }: { returnTo?: string; sso?: { name: string } | null; initialError?: { code: string; entry: ErrorDescription } }) {
  const { pending, onSubmit, formAction, fieldErrors, error } = useFormAction(signInAction);
  const ssoForm = useFormAction(ssoSignInAction);
  const shownError = error ?? ssoForm.error ?? (initialError ? { ...initialError, message: undefined } : null);
  return (
    <div className="flex flex-col gap-4">
      {shownError ? <ErrorAlertView code={shownError.code} entry={shownError.entry} message={shownError.message} docsLink={false} /> : null}
      <form action={formAction} onSubmit={onSubmit} className="flex flex-col gap-4" noValidate>
        <input type="hidden" name="returnTo" value={returnTo ?? ""} />
        <TextField label="Email" name="email" type="email" autoComplete="username" required errors={fieldErrors?.email} />
        <TextField label="Password" name="password" type="password" autoComplete="current-password" required errors={fieldErrors?.password} />
        <Button type="submit" pending={pending}>
          Sign in
        </Button>
      </form>
      {sso ? (
        <form action={ssoForm.formAction} onSubmit={ssoForm.onSubmit}>
          <input type="hidden" name="returnTo" value={returnTo ?? ""} />
          <Button type="submit" variant="secondary" className="w-full" pending={ssoForm.pending}>
            Sign in with {sso.name}
          </Button>
        </form>
      ) : null}
    </div>
  );
}
