"use client";

import { lazy, Suspense, useState } from "react";
import { createRunnerAction } from "@/app/(settings)/settings/runners/actions";
import { Button } from "@/components/ui/button";
import { ErrorAlertView } from "@/components/ui/error-alert-view";
import { TextField } from "@/components/ui/input";
import { useFormAction } from "@/components/ui/use-form-action";
import type { RunnerInstall } from "@/lib/runners/runner-install";

/** Shown once a runner is created, so loaded then (the copy buttons and the install commands with it). */
const RegistrationInstructions = lazy(() => import("./registration-instructions").then((m) => ({ default: m.RegistrationInstructions })));

type Created = { runnerId: string; name: string; registrationToken: string; expiresAt: string };

/** Creates a runner and shows its one-time registration token with the commands to use it. */
export function CreateRunnerForm({ install }: { install: RunnerInstall }) {
  const [created, setCreated] = useState<Created | null>(null);
  const { pending, onSubmit, fieldErrors, error } = useFormAction(createRunnerAction, { onSuccess: setCreated, resetOnSuccess: true });
  return (
    <section aria-labelledby="create-runner-heading" className="rounded-lg border border-gray-300 bg-white p-4">
      <h2 id="create-runner-heading" className="text-base font-semibold text-gray-900">
        Create a runner
      </h2>
      <p className="mt-1 text-sm text-gray-700">
        A runner runs on your own infrastructure, connects out to this server, and is the only place your organization&apos;s Git credentials can be opened.
      </p>
      <form onSubmit={onSubmit} className="mt-3 flex flex-wrap items-end gap-3" noValidate>
        <TextField label="Runner name" name="name" required maxLength={60} autoComplete="off" placeholder="e.g. eu-west build hosts" errors={fieldErrors?.name} className="min-w-64 flex-1" />
        <Button type="submit" pending={pending}>
          Create runner
        </Button>
      </form>
      <div className="mt-3 flex flex-col gap-2">
        {error && !error.fieldErrors ? <ErrorAlertView code={error.code} entry={error.entry} message={error.message} /> : null}
        {created ? (
          <Suspense fallback={<p className="text-sm text-gray-700">Runner {created.name} created; loading its registration token…</p>}>
            <RegistrationInstructions runnerName={created.name} token={created.registrationToken} expiresAt={created.expiresAt} install={install} />
          </Suspense>
        ) : null}
      </div>
    </section>
  );
}
