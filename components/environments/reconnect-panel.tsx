"use client";

import dynamic from "next/dynamic";
import { useRouter } from "next/navigation";
import { useCallback } from "react";
import { OAuthReturnNotice } from "@/components/settings/git-auth/oauth-return-notice";
import type { AuthorizationTarget } from "@/lib/environments/authorization-target";
import type { DescribedError } from "@/lib/errors/describe-for-browser";
import { invalidateEnvironment } from "./invalidate-environment";

/** In a chunk of its own: only an environment that needs reconnecting, seen by its owner, shows it. */
const AuthorizationPrompt = dynamic(() => import("./authorization-prompt").then((m) => m.AuthorizationPrompt));

/**
 * Reconnecting an environment's owner to its host, on the environment's page: what happened after
 * OAuth brought them back here, and — while the environment needs it — the same prompt the
 * creation flow shows, with the methods the admin enabled. Once connected the page reloads and
 * the environment shows Ready: the runner looks the credential up on every git request, so
 * nothing is recreated.
 */
export function ReconnectPanel({
  environmentId,
  target,
  show,
  userId,
  repository,
  returning,
}: {
  environmentId: string;
  /** The host's integration on the runner (null: the runner no longer offers the host). */
  target: AuthorizationTarget | null;
  /** Whether the prompt is shown (the environment needs reconnecting and the viewer owns it). */
  show: boolean;
  userId: string;
  repository: string;
  /** From the URL when OAuth comes back here (the `?error=` code described by the page). */
  returning: { jobId: string | null; error: DescribedError | null; host: string | null };
}) {
  const router = useRouter();
  const refresh = useCallback(() => {
    void invalidateEnvironment(environmentId);
    router.refresh();
  }, [router, environmentId]);
  return (
    <>
      <OAuthReturnNotice jobId={returning.jobId} error={returning.error} host={returning.host} onConnected={refresh} />
      {show && target ? (
        <AuthorizationPrompt target={target} oauth={target.oauthEnabled} pat={target.patEnabled} returnTo={`/environments/${environmentId}`} userId={userId} onConnected={refresh} repository={repository} purpose="reconnect" />
      ) : null}
    </>
  );
}
