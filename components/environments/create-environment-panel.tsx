"use client";

import dynamic from "next/dynamic";
import { useCallback, useEffect, useId, useRef, useState, useTransition } from "react";
import { createEnvironmentAction } from "@/app/(settings)/environments/actions";
import { HostTestWarning } from "@/components/settings/git-auth/host-test-warning";
import { OAuthReturnNotice } from "@/components/settings/git-auth/oauth-return-notice";
import { Button } from "@/components/ui/button";
import { FormErrorAlert } from "@/components/ui/error-alert-form";
import { TextField } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { useToast } from "@/components/ui/toast";
import { useFocusFirstInvalid } from "@/components/ui/use-focus-first-invalid";
import type { ActionResult } from "@/lib/actions/result";
import type { DescribedError } from "@/lib/errors/describe-for-browser";
import type { CreateEnvironmentOutcome } from "@/lib/environments/create-environment";
import type { EnvironmentHost, FailedHostTest } from "@/lib/environments/list-environment-hosts";
import { repoUrlExample } from "@/lib/environments/repo-url-example";
import { RepositoryPicker } from "./repository-picker";

/**
 * The prompt (with the PAT form, the provider's token instructions and the OAuth button) in a
 * chunk of its own: it appears only when the action answers that the person must connect first,
 * and `submit` starts loading it while the action runs.
 */
const loadPrompt = () => import("./authorization-prompt");
const AuthorizationPrompt = dynamic(() => loadPrompt().then((m) => m.AuthorizationPrompt), {
  loading: () => <p className="text-sm text-gray-700">Loading the sign-in methods…</p>,
});

type Values = { runnerId: string; repoUrl: string; branch: string };
type NeedsAuthorization = Extract<CreateEnvironmentOutcome, { kind: "needs_authorization" }>;
type Failure = Extract<ActionResult<unknown>, { ok: false }>;

/** Where OAuth brings the person back: this page, with what they asked for, so creation resumes. */
function resumeUrl(v: Values): string {
  const q = new URLSearchParams({ repo: v.repoUrl, runner: v.runnerId });
  if (v.branch) q.set("branch", v.branch);
  return `/environments?${q}`;
}

/** The host of a typed repository URL, as hosts are stored (lower case, with a port), or null. */
function hostOf(repoUrl: string): string | null {
  try {
    return new URL(repoUrl.trim()).host.toLowerCase() || null;
  } catch {
    return null;
  }
}

/**
 * The "new environment" form. When the person has no working credential for the repository's
 * host, the authorization prompt appears in place, for that host only (the action says which and
 * how); once they connect (a token here, or OAuth and back), the same request is sent again and
 * the environment is created. The repository field's example and hint name hosts the person is
 * offered; a host whose last Save & Test by an admin failed is still accepted, with a warning.
 */
export function CreateEnvironmentPanel({
  runners,
  hosts = [],
  failedTests = [],
  userId,
  initial,
}: {
  runners: ReadonlyArray<{ id: string; name: string }>;
  /** Hosts offered to the person (for the field's example and hint). */
  hosts?: ReadonlyArray<EnvironmentHost>;
  /** Per runner, the hosts whose last admin test failed. */
  failedTests?: ReadonlyArray<FailedHostTest>;
  userId: string;
  /**
   * From the URL (OAuth comes back here with them); `returningHost` is the host of `integration`,
   * looked up by the page, and `error` the `?error=` code described by it.
   */
  initial: { repo: string | null; runner: string | null; branch: string | null; integration: string | null; returningHost: string | null; connecting: string | null; error: DescribedError | null };
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
  const repoUrlId = useId();
  const runnerFieldId = useId();
  const branchId = useId();
  const formBoxRef = useFocusFirstInvalid<HTMLDivElement>(failure);
  // The latest values for `resume`, which runs from effects after a connection succeeds.
  const valuesRef = useRef(values);
  useEffect(() => {
    valuesRef.current = values;
  }, [values]);

  const submit = useCallback(
    (v: Values) =>
      startTransition(async () => {
        void loadPrompt();
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
  const failedTest = (runnerId: string, host: string | null) => (host ? (failedTests.find((f) => f.runnerId === runnerId && f.host === host)?.code ?? null) : null);
  const typedHost = hostOf(values.repoUrl);
  const typedHostFailure = failedTest(values.runnerId, typedHost);
  const hostList = hosts.map((h) => h.host).join(", ");

  return (
    <section aria-labelledby="new-environment-heading" className="flex flex-col gap-4">
      <OAuthReturnNotice jobId={initial.connecting} error={initial.error} host={initial.returningHost} onConnected={resume} />
      <div ref={formBoxRef} className="rounded-lg border border-gray-300 bg-white p-4">
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
          <Select id={runnerFieldId} label="Runner" name="runnerId" options={runners.map((r) => ({ value: r.id, label: r.name }))} value={values.runnerId} onChange={set("runnerId")} errors={fieldErrors?.runnerId} />
          <RepositoryPicker
            id={repoUrlId}
            runnerId={values.runnerId}
            hosts={hosts}
            value={values.repoUrl}
            onChange={(repoUrl) => setValues((prev) => ({ ...prev, repoUrl }))}
            errors={fieldErrors?.repoUrl}
            placeholder={repoUrlExample(hosts)}
            hint={hostList ? `The HTTPS clone URL, without a user name or token. Hosts offered to you: ${hostList}.` : "The HTTPS clone URL, without a user name or token."}
          />
          <TextField id={branchId} label="Branch (optional)" name="branch" value={values.branch} onChange={set("branch")} errors={fieldErrors?.branch} hint="Default branch if empty." autoComplete="off" spellCheck={false} />
          <Button type="submit" pending={pending} className="md:mt-6">
            Create environment
          </Button>
        </form>
        {typedHostFailure && typedHost ? (
          <div className="mt-3">
            <HostTestWarning code={typedHostFailure} host={typedHost} />
          </div>
        ) : null}
        {failure ? (
          <div className="mt-3">
            <FormErrorAlert
              failure={failure}
              fields={{ runnerId: { label: "Runner", id: runnerFieldId }, repoUrl: { label: "Repository URL", id: repoUrlId }, branch: { label: "Branch", id: branchId } }}
            />
          </div>
        ) : null}
      </div>
      {prompt ? <AuthorizationPrompt target={prompt.target} lastTestFailure={failedTest(prompt.target.runnerId, prompt.target.host)} oauth={prompt.oauth} pat={prompt.pat} returnTo={resumeUrl(values)} userId={userId} onConnected={resume} repository={prompt.repository} /> : null}
    </section>
  );
}
