"use client";

import { useId, useRef, useState, useTransition } from "react";
import { connectPatAction } from "@/app/(settings)/settings/git-authentications/actions";
import { Button } from "@/components/ui/button";
import { useHydrated } from "@/components/ui/use-hydrated";
import { FormErrorAlert } from "@/components/ui/error-alert-form";
import { TextField } from "@/components/ui/input";
import { useFocusFirstInvalid } from "@/components/ui/use-focus-first-invalid";
import { OAuthConnectButton } from "./oauth-connect-button";
import type { ErrorCode } from "@/lib/errors/catalogue";
import type { GitAuthenticationRow } from "@/lib/git-auth/list-git-authentications";
import { patInstructions } from "@/lib/git-auth/pat-instructions";
import { tokenShapeProblem } from "@/lib/git-auth/token-shape";

/**
 * The part of a Git Authentications row the PAT form needs: ids and where the provider lives. The
 * field's label, the token creation link and each scope's reason come from the provider registry,
 * here in the browser, rather than with every row. The runner's public key is public: the token is
 * sealed to it in the browser.
 */
export type PatTarget = Pick<GitAuthenticationRow, "integrationId" | "runnerId" | "runnerName" | "host" | "providerName" | "runnerPublicKey" | "oauthEnabled" | "provider" | "baseUrl"> & {
  issuerUrl?: string | null;
  virtualDirectory?: string | null;
  /** The scopes the admin configured when they differ from the provider's defaults. */
  patScopes?: string[] | null;
};

type Failure = { code: ErrorCode | string; message: string; fieldErrors?: Record<string, string[]> };

/**
 * Connects with a personal access token. The token is sealed here, in the browser, to the runner's
 * public key (context: purpose `pat`, runner, host, user) and only the sealed box is sent; the
 * token field has no `name`, so even a form submitted without JavaScript cannot carry it. A paste
 * that cannot be a token (too long, spaces, other characters) is refused before sealing, saying
 * which. On any failure the field is cleared, the typed error is shown once (next to its field, or
 * in the box with its remedy) and focus moves to the field at fault, or to the box.
 */
export function PatConnectForm({
  target,
  userId,
  onConnected,
  submitLabel = "Connect",
  autoFocus,
  onCancel,
  repository,
  oauthReturnTo = "/settings/git-authentications",
}: {
  target: PatTarget;
  userId: string;
  onConnected: (result: { login: string; scopes: string[] }) => void;
  submitLabel?: string;
  /** Focus the token field when shown (in a dialog, which focuses `data-autofocus` on open). */
  autoFocus?: boolean;
  /** Shows a Cancel button next to the submit button (in a dialog). */
  onCancel?: () => void;
  /** The repository the token is for (`owner/name`), when connecting to use one: the runner checks the token reaches it. */
  repository?: string;
  /** Where "Switch to OAuth" comes back to after the provider (default: Git Authentications). */
  oauthReturnTo?: string;
}) {
  const tokenRef = useRef<HTMLInputElement>(null);
  const [username, setUsername] = useState("");
  const [phase, setPhase] = useState<"idle" | "sealing" | "validating">("idle");
  const [failure, setFailure] = useState<Failure | null>(null);
  const [, startTransition] = useTransition();
  const scopesId = useId();
  const tokenId = useId();
  const usernameId = useId();
  const busy = phase !== "idle";
  const pat = patInstructions({
    provider: target.provider,
    location: { host: target.host, baseUrl: target.baseUrl, issuerUrl: target.issuerUrl, virtualDirectory: target.virtualDirectory },
    patScopes: target.patScopes,
  });

  const fail = (f: Failure) => {
    if (tokenRef.current) tokenRef.current.value = "";
    setFailure(f);
    setPhase("idle");
  };
  const rootRef = useFocusFirstInvalid<HTMLDivElement>(failure);

  const onSubmit = async (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const token = tokenRef.current?.value.trim() ?? "";
    const problem = tokenShapeProblem(token);
    if (problem) return fail({ code: "validation_failed", message: problem, fieldErrors: { token: [problem] } });
    if (pat.needsUsername && !username.trim()) {
      setFailure({ code: "validation_failed", message: "Enter the email address of your Atlassian account", fieldErrors: { username: ["Enter the email address of your Atlassian account"] } });
      return;
    }
    if (!target.runnerPublicKey) return fail({ code: "runner_not_registered", message: "" });
    setFailure(null);
    setPhase("sealing");
    let patSealed: string;
    try {
      // Loaded on demand: the sealing library is large and only needed once a token is submitted.
      const { seal } = await import("@/lib/crypto/sealed-box");
      patSealed = await seal(target.runnerPublicKey, { purpose: "pat", runnerId: target.runnerId, host: target.host, userId }, token);
    } catch {
      return fail({ code: "sealed_secret_invalid", message: "" });
    }
    if (tokenRef.current) tokenRef.current.value = "";
    setPhase("validating");
    startTransition(async () => {
      const result = await connectPatAction(null, { integrationId: target.integrationId, patSealed, username: pat.needsUsername ? username : undefined, repository });
      if (result.ok) {
        setPhase("idle");
        onConnected(result.data);
      } else {
        fail(result);
      }
    });
  };

  const hydrated = useHydrated();
  const fieldErrors = failure?.fieldErrors;
  const fields = { token: { label: pat.label, id: tokenId }, ...(pat.needsUsername ? { username: { label: "Atlassian account email", id: usernameId } } : {}) };
  return (
    <div ref={rootRef} className="flex flex-col gap-4">
      <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4" aria-label={`Connect ${target.host} with a token`} data-testid="pat-form">
        <ol className="flex list-decimal flex-col gap-2 pl-5 text-sm text-gray-800">
          <li>
            <a href={pat.creationUrl} target="_blank" rel="noreferrer noopener" className="font-medium text-brand-700 underline">
              Create a token at {target.providerName}
              <span className="sr-only"> (opens in a new tab)</span>
            </a>{" "}
            with these scopes (the link fills them in where {target.providerName} allows it):
            <ul id={scopesId} aria-label="Scopes the token needs" className="mt-1 flex flex-col gap-1">
              {pat.scopes.map((s) => (
                <li key={s.scope}>
                  <code className="rounded bg-gray-100 px-1 font-mono text-xs text-gray-900">{s.scope}</code> — {s.reason}
                </li>
              ))}
            </ul>
          </li>
          <li>Paste it below. It is encrypted in your browser to the key of the runner {target.runnerName}; this server never sees it.</li>
        </ol>
        {!target.runnerPublicKey ? (
          <p className="rounded-md border border-amber-400 bg-amber-50 p-3 text-sm text-amber-950">
            The runner {target.runnerName} has not registered yet, so a token cannot be encrypted for it. Try again once an admin has registered it.
          </p>
        ) : null}
        {pat.needsUsername ? (
          <TextField
            id={usernameId}
            label="Atlassian account email"
            type="email"
            name="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            autoComplete="email"
            errors={fieldErrors?.username}
            disabled={busy}
          />
        ) : null}
        <TextField
          ref={tokenRef}
          id={tokenId}
          label={pat.label}
          type="password"
          autoComplete="off"
          spellCheck={false}
          data-autofocus={autoFocus || undefined}
          errors={fieldErrors?.token}
          disabled={busy}
          data-testid="pat-token"
        />
        <p role="status" aria-live="polite" className="min-h-5 text-sm text-gray-800">
          {phase === "sealing" ? "Encrypting the token in your browser…" : phase === "validating" ? `The runner is checking the token with ${target.providerName}…` : ""}
        </p>
        <FormErrorAlert failure={failure} fields={fields} />
        <div className="flex justify-end gap-2">
          {onCancel ? (
            <Button variant="secondary" onClick={onCancel}>
              Cancel
            </Button>
          ) : null}
          <Button type="submit" pending={busy} disabled={!target.runnerPublicKey || !hydrated}>
            {submitLabel}
          </Button>
        </div>
      </form>
      {/* Outside the token form: the OAuth button is a form of its own. */}
      {failure?.code === "operation_aborted" ? <SwitchToOAuth target={target} returnTo={oauthReturnTo} /> : null}
    </div>
  );
}

/**
 * The usual remedy for "Failed to create provider - Aborted: operation cancelled", where the person
 * sees it: OAuth instead of a token, as a button when the admin enabled it, else who can enable it.
 */
function SwitchToOAuth({ target, returnTo }: { target: PatTarget; returnTo: string }) {
  return (
    <div className="flex flex-wrap items-center gap-3 rounded-md border border-blue-300 bg-blue-50 p-3 text-sm text-blue-950" data-testid="pat-switch-to-oauth" data-oauth-enabled={target.oauthEnabled}>
      {target.oauthEnabled ? (
        <>
          <p className="basis-full">OAuth is enabled for {target.host}: {target.providerName} checks the connection itself, so no token has to be validated.</p>
          <OAuthConnectButton integrationId={target.integrationId} returnTo={returnTo} label="Switch to OAuth" accessibleSuffix={`for ${target.host}`} />
        </>
      ) : (
        <p>OAuth is not enabled for {target.host}. Ask an organization admin to enable it for this host in Settings &gt; Runners, then connect with OAuth.</p>
      )}
    </div>
  );
}
