"use client";

import Link from "next/link";
import { OAuthConnectButton } from "@/components/settings/git-auth/oauth-connect-button";

export type SwitchToOAuthProps = {
  integrationId: string;
  runnerId: string;
  host: string;
  /** Whether the admin has enabled OAuth for this integration. */
  oauthEnabled: boolean;
  /** The viewer is the person whose connection failed: only they can connect their own account. */
  canConnect: boolean;
  /** The viewer is an admin: shown where OAuth is enabled. */
  viewerIsAdmin: boolean;
  /** The person support should instruct (their email), when the viewer is someone else. */
  personLabel?: string | null;
};

/**
 * The remedy for "Failed to create provider - Aborted: operation cancelled": stop using a personal
 * access token and connect with OAuth. For the person themselves, a button that starts the OAuth
 * connect (and comes back to Settings > Git Authentications); for support looking at someone
 * else's failure, what that person should click; when OAuth is not enabled, who can enable it
 * (admins get the link to the integration's settings).
 */
export function SwitchToOAuth({ integrationId, runnerId, host, oauthEnabled, canConnect, viewerIsAdmin, personLabel }: SwitchToOAuthProps) {
  const settingsHref = `/settings/runners/${runnerId}/integrations/${integrationId}`;
  return (
    <div className="flex flex-col gap-2 rounded-md border border-blue-300 bg-blue-50 p-3 text-sm text-blue-950" data-testid="switch-to-oauth" data-oauth-enabled={oauthEnabled}>
      <p className="font-semibold">Remedy: switch from a personal access token to OAuth</p>
      {oauthEnabled && canConnect ? (
        <div className="flex flex-wrap items-center gap-3">
          <p>OAuth is enabled for {host}. Connecting with it replaces the token, and the provider handles validation itself.</p>
          <OAuthConnectButton integrationId={integrationId} returnTo="/settings/git-authentications" label="Switch to OAuth" accessibleSuffix={`for ${host}`} />
        </div>
      ) : oauthEnabled ? (
        <p>
          OAuth is enabled for {host}. Ask {personLabel ?? "the person"} to open Settings &gt; Git Authentications and choose <strong>Connect with OAuth</strong> for {host}.
        </p>
      ) : (
        <p>
          OAuth is not enabled for {host}, so an admin must enable it first.{" "}
          {viewerIsAdmin ? (
            <Link href={settingsHref} className="font-medium underline">
              Enable OAuth for {host} in Settings &gt; Runners
            </Link>
          ) : (
            <>Ask an organization admin to enable OAuth for {host} in Settings &gt; Runners.</>
          )}
        </p>
      )}
    </div>
  );
}
