"use client";

import { setupAction } from "@/app/(auth)/actions";
import { Button } from "@/components/ui/button";
import { ErrorAlertView } from "@/components/ui/error-alert-view";
import { TextField } from "@/components/ui/input";
import { useFormAction } from "@/components/ui/use-form-action";
import { PASSWORD_MIN } from "@/lib/passwords/limits";

export function SetupForm() {
  const { pending, onSubmit, formAction, fieldErrors, error } = useFormAction(setupAction);
  return (
    <form action={formAction} onSubmit={onSubmit} className="flex flex-col gap-4" noValidate>
      {error ? <ErrorAlertView code={error.code} entry={error.entry} message={error.message} docsLink={false} /> : null}
      <TextField label="Organization name" name="orgName" required maxLength={100} errors={fieldErrors?.orgName} />
      <TextField label="Your name" name="name" autoComplete="name" required maxLength={100} errors={fieldErrors?.name} />
      <TextField label="Email" name="email" type="email" autoComplete="username" required errors={fieldErrors?.email} />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        hint={`At least ${PASSWORD_MIN} characters.`}
        errors={fieldErrors?.password}
      />
      <Button type="submit" pending={pending}>
        Create organization
      </Button>
    </form>
  );
}
