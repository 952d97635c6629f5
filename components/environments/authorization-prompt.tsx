"use client";

import { useEffect, useId, useRef } from "react";
import { HostTestWarning } from "@/components/settings/git-auth/host-test-warning";
import { OAuthConnectButton } from "@/components/settings/git-auth/oauth-connect-button";
import { PatConnectForm } from "@/components/settings/git-auth/pat-connect-form";
import type { AuthorizationTarget } from "@/lib/environments/authorization-target";
import type { ErrorCode } from "@/lib/errors/catalogue";

/** A host the person may connect to, with the methods the admin enabled for it (sent with `needs_authorization`). */
export type AuthTarget = AuthorizationTarget;

/**
 * Shown when creating an environment needs an account the person has not connected: the methods
 * the admin enabled for the host, in place. OAuth comes back to `returnTo` (which resumes the
 * creation); a token connected here continues at once through `onConnected`. The same prompt
 * reconnects an existing environment (`purpose="reconnect"`), from its page.
 */
export function AuthorizationPrompt({
  target,
  oauth,
  pat,
  returnTo,
  userId,
  onConnected,
  repository,
  purpose = "create",
  lastTestFailure = null,
}: {
  target: AuthTarget;
  oauth: boolean;
  pat: boolean;
  returnTo: string;
  userId: string;
  onConnected: () => void;
  /** The repository the environment is for: a token is checked against it (SSO, fine-grained access). */
  repository?: string;
  /** `reconnect`: for an environment that exists, whose git access returns once connected (nothing is recreated). */
  purpose?: "create" | "reconnect";
  /** Why the admin's last Save & Test of this host failed, if it did: said before the person connects. */
  lastTestFailure?: ErrorCode | null;
}) {
  const headingId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  // Move focus here when the prompt appears, so keyboard and screen-reader users land on what to do next.
  useEffect(() => headingRef.current?.focus(), [target.integrationId]);
  return (
    <section aria-labelledby={headingId} className="flex flex-col gap-4 rounded-lg border border-amber-400 bg-amber-50 p-4" data-testid="authorization-prompt">
      <div>
        <h2 id={headingId} ref={headingRef} tabIndex={-1} className="text-base font-semibold text-gray-900 focus:outline-none">
          {purpose === "reconnect" ? `Reconnect your ${target.providerName} account for ${target.host}` : `Connect your ${target.providerName} account for ${target.host} to continue`}
        </h2>
        <p className="mt-1 text-sm text-gray-800">
          {purpose === "reconnect"
            ? `Git in this environment runs with your own ${target.providerName} permissions, and your connection for ${target.host} on the runner ${target.runnerName} no longer works. Connect with a method your admin enabled; git and the agent tools work again at their next request, and the environment stays as it is.`
            : `The runner ${target.runnerName} clones with your own ${target.providerName} permissions, and you have no working connection for ${target.host} on it yet. Connect with a method your admin enabled; the environment is created as soon as you are connected.`}
        </p>
      </div>
      {lastTestFailure ? <HostTestWarning code={lastTestFailure} host={target.host} /> : null}
      {!oauth && !pat ? <p className="text-sm text-gray-900">No sign-in method is enabled for this host. Ask an admin to enable OAuth or personal access tokens in Settings &gt; Runners.</p> : null}
      {oauth ? (
        <div className="flex flex-wrap items-center gap-3">
          <OAuthConnectButton integrationId={target.integrationId} returnTo={returnTo} label={`Connect with ${target.providerName} (OAuth)`} />
          <p className="text-xs text-gray-700">You sign in at {target.providerName} and come back here.</p>
        </div>
      ) : null}
      {pat ? (
        <div className="flex flex-col gap-2 rounded-md border border-gray-300 bg-white p-4">
          <h3 className="text-sm font-semibold text-gray-900">{oauth ? "Or use a personal access token" : "Use a personal access token"}</h3>
          <PatConnectForm target={target} userId={userId} onConnected={onConnected} submitLabel={purpose === "reconnect" ? "Reconnect" : "Connect and create environment"} repository={repository} oauthReturnTo={returnTo} />
        </div>
      ) : null}
    </section>
  );
}
