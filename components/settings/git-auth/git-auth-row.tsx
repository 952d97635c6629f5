import type { GitAuthenticationRow } from "@/lib/git-auth/list-git-authentications";
import { ConnectionStateView } from "./connection-state";
import { DisconnectButton } from "./disconnect-button";
import { HostTestWarning } from "./host-test-warning";
import { OAuthConnectButton } from "./oauth-connect-button";
import type { PatTarget } from "./pat-connect-form";
import { PatDialog } from "./pat-dialog";

const RETURN_TO = "/settings/git-authentications";

/**
 * Only what the browser needs to show the PAT form and seal a token for this row: ids and the
 * provider's location (the form derives the rest from the registry); optional fields only when set.
 */
export function patTarget(row: GitAuthenticationRow): PatTarget {
  const { integrationId, runnerId, runnerName, host, provider, providerName, baseUrl, runnerPublicKey, oauthEnabled } = row;
  return {
    integrationId,
    runnerId,
    runnerName,
    host,
    provider,
    providerName,
    baseUrl,
    runnerPublicKey,
    oauthEnabled,
    ...(row.issuerUrl ? { issuerUrl: row.issuerUrl } : {}),
    ...(row.virtualDirectory ? { virtualDirectory: row.virtualDirectory } : {}),
    ...(row.patScopes ? { patScopes: row.patScopes } : {}),
  };
}

/**
 * One provider host offered by a runner: who is connected and how, and the actions the admin
 * allowed (OAuth, a personal access token), plus reconnect and disconnect.
 */
export function GitAuthRow({ row, userId, now }: { row: GitAuthenticationRow; userId: string; now: string }) {
  const headingId = `git-auth-${row.integrationId}`;
  const { state } = row;
  const connected = state.kind !== "not_connected";
  const oauthLabel = state.kind === "not_connected" ? "Connect with OAuth" : "Reconnect with OAuth";
  const patLabel = state.kind === "not_connected" ? "Use a personal access token" : state.kind === "connected" && state.source === "pat" ? "Replace token" : "Reconnect with a token";
  // A working connection is replaced only by the method it was made with; a broken one by any allowed method.
  const offerOAuth = row.oauthEnabled && (state.kind !== "connected" || state.source === "oauth");
  const offerPat = row.patEnabled && (state.kind !== "connected" || state.source === "pat");
  return (
    <li>
      <section aria-labelledby={headingId} data-integration-id={row.integrationId} className="flex flex-col gap-3 rounded-lg border border-gray-300 bg-white p-4 md:flex-row md:items-start md:justify-between">
        <div className="flex min-w-0 flex-col gap-2">
          <div>
            <h2 id={headingId} className="text-base font-semibold text-gray-900">
              {row.providerName} <span className="font-mono text-sm font-normal text-gray-800">{row.host}</span>
            </h2>
            <p className="text-xs text-gray-700">Runner: {row.runnerName}</p>
          </div>
          <ConnectionStateView state={state} now={now} />
          {row.lastTestFailure && (offerOAuth || offerPat) ? <HostTestWarning code={row.lastTestFailure} /> : null}
        </div>
        <div className="flex flex-wrap items-start gap-2 md:max-w-sm md:justify-end">
          {offerOAuth ? <OAuthConnectButton integrationId={row.integrationId} returnTo={RETURN_TO} label={oauthLabel} accessibleSuffix={`for ${row.host}`} variant={connected ? "secondary" : "primary"} /> : null}
          {offerPat ? <PatDialog target={patTarget(row)} userId={userId} label={patLabel} /> : null}
          {connected && row.disconnect ? (
            <DisconnectButton
              integrationId={row.integrationId}
              host={row.host}
              providerName={row.providerName}
              source={state.source}
              revokesAtProvider={row.disconnect.revokesAtProvider}
              manualUrl={row.disconnect.manualUrl}
            />
          ) : null}
        </div>
      </section>
    </li>
  );
}
