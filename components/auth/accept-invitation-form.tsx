"use client";

import { acceptInvitationAction } from "@/app/(auth)/actions";
import { Button } from "@/components/ui/button";
import { ErrorAlertView } from "@/components/ui/error-alert-view";
import { TextField } from "@/components/ui/input";
import { useFormAction } from "@/components/ui/use-form-action";
import { PASSWORD_MIN } from "@/lib/passwords/limits";

export function AcceptInvitationForm({ token, name }: { token: string; name: string }) {
  const { pending, onSubmit, formAction, fieldErrors, error } = useFormAction(acceptInvitationAction);
  return (
    <form action={formAction} onSubmit={onSubmit} className="flex flex-col gap-4" noValidate>
      {error ? <ErrorAlertView code={error.code} entry={error.entry} message={error.message} docsLink={false} /> : null}
      <input type="hidden" name="token" value={token} />
      <TextField label="Your name" name="name" autoComplete="name" defaultValue={name} required errors={fieldErrors?.name} />
      <TextField
        label="Choose a password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        hint={`At least ${PASSWORD_MIN} characters.`}
        errors={fieldErrors?.password}
      />
      <Button type="submit" pending={pending}>
        Join organization
      </Button>
    </form>
  );
}
