"use client";

import { useCallback, useEffect, useRef, useState, useTransition } from "react";
import { createEnvironmentAction } from "@/app/(settings)/environments/actions";
import { OAuthReturnStatus } from "@/components/settings/git-auth/oauth-return-status";
import { Button } from "@/components/ui/button";
import { ErrorAlert } from "@/components/ui/error-alert";
import { TextField } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { useToast } from "@/components/ui/toast";
import type { ActionResult } from "@/lib/actions/result";
import type { CreateEnvironmentOutcome } from "@/lib/environments/create-environment";
import { AuthorizationPrompt } from "./authorization-prompt";

type Values = { runnerId: string; repoUrl: string; branch: string };
type NeedsAuthorization = Extract<CreateEnvironmentOutcome, { kind: "needs_authorization" }>;
type Failure = Extract<ActionResult<unknown>, { ok: false }>;

/** Where OAuth brings the person back: this page, with what they asked for, so creation resumes. */
function resumeUrl(v: Values): string {
  const q = new URLSearchParams({ repo: v.repoUrl, runner: v.runnerId });
  if (v.branch) q.set("branch", v.branch);
  return `/environments?${q}`;
}

/**
 * The "new environment" form. When the person has no working credential for the repository's
 * host, the authorization prompt appears in place, for that host only (the action says which and
 * how); once they connect (a token here, or OAuth and back), the same request is sent again and
 * the environment is created.
 */
export function CreateEnvironmentPanel({
  runners,
  userId,
  initial,
}: {
  runners: ReadonlyArray<{ id: string; name: string }>;
  userId: string;
  /** From the URL (OAuth comes back here with them); `returningHost` is the host of `integration`, looked up by the page. */
  initial: { repo: string | null; runner: string | null; branch: string | null; integration: string | null; returningHost: string | null; connecting: string | null; error: string | null };
}) {
  const [values, setValues] = useState<Values>({
    runnerId: runners.some((r) => r.id === initial.runner) ? initial.runner! : (runners[0]?.id ?? ""),
    repoUrl: initial.repo ?? "",
    branch: initial.branch ?? "",
  });
  const [prompt, setPrompt] = useState<NeedsAuthorization | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [pending, startTransition] = useTransition();
  const toast = useToast();
  // The latest values for `resume`, which runs from effects after a connection succeeds.
  const valuesRef = useRef(values);
  useEffect(() => {
    valuesRef.current = values;
  }, [values]);

  const submit = useCallback(
    (v: Values) =>
      startTransition(async () => {
        const result = await createEnvironmentAction(null, { runnerId: v.runnerId, repoUrl: v.repoUrl, branch: v.branch || undefined });
        if (!result.ok) {
          setFailure(result);
          setPrompt(null);
          return;
        }
        setFailure(null);
        if (result.data.kind === "needs_authorization") {
          setPrompt(result.data);
          return;
        }
        setPrompt(null);
        setValues((prev) => ({ ...prev, repoUrl: "", branch: "" }));
        toast.show({ tone: "success", title: "Creating the environment", body: "The runner is cloning the repository; its progress shows in the list below." });
      }),
    [toast],
  );
  const resume = useCallback(() => {
    if (valuesRef.current.repoUrl) submit(valuesRef.current);
  }, [submit]);

  const set = (field: keyof Values) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setValues((prev) => ({ ...prev, [field]: e.target.value }));
  const fieldErrors = failure?.fieldErrors;
  const target = prompt?.target;

  return (
    <section aria-labelledby="new-environment-heading" className="flex flex-col gap-4">
      <OAuthReturnStatus jobId={initial.connecting} errorCode={initial.error} host={initial.returningHost} onConnected={resume} />
      <div className="rounded-lg border border-gray-300 bg-white p-4">
        <h2 id="new-environment-heading" className="text-base font-semibold text-gray-900">
          New environment
        </h2>
        <p className="mt-1 text-sm text-gray-700">The runner clones the repository with your connected account; git in the environment then fetches and pushes as you.</p>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            submit(values);
          }}
          noValidate
          aria-label="New environment"
          className="mt-3 grid gap-3 md:grid-cols-[12rem_1fr_12rem_auto] md:items-start"
        >
          <Select label="Runner" name="runnerId" options={runners.map((r) => ({ value: r.id, label: r.name }))} value={values.runnerId} onChange={set("runnerId")} errors={fieldErrors?.runnerId} />
          <TextField label="Repository URL" name="repoUrl" type="url" inputMode="url" placeholder="https://github.com/acme/app" value={values.repoUrl} onChange={set("repoUrl")} errors={fieldErrors?.repoUrl} hint="The HTTPS clone URL, without a user name or token." autoComplete="off" spellCheck={false} required />
          <TextField label="Branch (optional)" name="branch" value={values.branch} onChange={set("branch")} errors={fieldErrors?.branch} hint="Default branch if empty." autoComplete="off" spellCheck={false} />
          <Button type="submit" pending={pending} className="md:mt-6">
            Create environment
          </Button>
        </form>
        {failure && failure.code !== "validation_failed" ? (
          <div className="mt-3">
            <ErrorAlert code={failure.code} message={failure.message} />
          </div>
        ) : null}
      </div>
      {prompt && target ? <AuthorizationPrompt target={target} oauth={prompt.oauth} pat={prompt.pat} returnTo={resumeUrl(values)} userId={userId} onConnected={resume} repository={prompt.repository} /> : null}
      {prompt && !target ? <ErrorAlert code="not_authorized_for_host" /> : null}
    </section>
  );
}
