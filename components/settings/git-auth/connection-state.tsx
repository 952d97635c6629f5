import { Badge } from "@/components/ui/badge";
import type { ConnectionState } from "@/lib/git-auth/list-git-authentications";
import { RelativeTime } from "./relative-time";

type ReauthReason = Extract<ConnectionState, { kind: "needs_reauth" }>["reason"];

/** Why a connection stopped working, in words people can act on. */
export const reauthReasonText: Record<ReauthReason, string> = {
  expired: "The token expired.",
  revoked: "The token was revoked at the provider.",
  runner_key_rotated: "The runner was registered again with a new key, so it can no longer open your stored token.",
  method_disabled: "An admin turned off the method you connected with.",
  refresh_failed: "The runner could not refresh the token (the provider refused the refresh token).",
};

const methodLabel = { oauth: "OAuth", pat: "personal access token" } as const;

/** The connection state of one provider host: a badge, then who is connected and the token's facts. */
export function ConnectionStateView({ state, now }: { state: ConnectionState; now: string }) {
  if (state.kind === "not_connected") {
    return (
      <div data-connection-state="not_connected">
        <Badge>Not connected</Badge>
      </div>
    );
  }
  if (state.kind === "needs_reauth") {
    return (
      <div data-connection-state="needs_reauth" className="flex flex-col gap-1 text-sm">
        <div>
          <Badge tone="yellow">Needs re-authentication</Badge>
        </div>
        <p className="text-gray-800">
          {state.login ? <>Was connected as <span className="font-medium">@{state.login}</span> via {methodLabel[state.source]}. </> : null}
          {reauthReasonText[state.reason]}
        </p>
      </div>
    );
  }
  return (
    <div data-connection-state="connected" className="flex flex-col gap-1 text-sm">
      <div>
        <Badge tone="green">Connected</Badge>
      </div>
      <p className="text-gray-900">
        Connected as <span className="font-medium">@{state.login ?? "unknown"}</span> via {state.source === "oauth" ? "OAuth" : "PAT"}
      </p>
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-gray-700">
        <dt>Scopes</dt>
        <dd className="font-mono text-xs leading-5 text-gray-900">{state.scopes.length > 0 ? state.scopes.join(", ") : "none reported"}</dd>
        <dt>Expires</dt>
        <dd>{state.expiresAt ? <RelativeTime value={state.expiresAt} now={now} /> : "never"}</dd>
        <dt>Last validated</dt>
        <dd>{state.lastValidatedAt ? <RelativeTime value={state.lastValidatedAt} now={now} /> : "never"}</dd>
        <dt>Last used</dt>
        <dd>{state.lastUsedAt ? <RelativeTime value={state.lastUsedAt} now={now} /> : "not yet"}</dd>
      </dl>
    </div>
  );
}
