import { describeAnswer, jsonObject, probe, unreachableCode } from "../../probes/http";
import { checkTokenEndpoint, invalidAuthorizationCode, oauthErrorOf, PLACEHOLDER_REDIRECT_URI } from "../../probes/token-endpoint";
import type { ProviderProbe } from "../../probes/types";

/**
 * GitLab.com and self-managed GitLab. `GET /api/v4/version` answers 401 `{"message":"401
 * Unauthorized"}` without a token (200 with the version on instances that allow it). The token
 * endpoint (Doorkeeper) answers `invalid_client` for a bad client and `invalid_grant` for a bad code;
 * its authorize page answers 401 for an unknown client id when it checks the client before sign-in.
 */
export const gitlabProbe: ProviderProbe = {
  api: async (endpoints, signal) => {
    const url = `${endpoints.apiUrl}/version`;
    const answer = await probe(url, { headers: { accept: "application/json" } }, signal);
    if (!answer.ok) return { ok: false, code: unreachableCode(answer), field: "host", message: `GitLab's API at ${url} did not answer: ${answer.message}` };
    const body = jsonObject(answer);
    if (answer.status === 200 && typeof body?.version === "string") return { ok: true };
    if (answer.status === 401 && typeof body?.message === "string") return { ok: true };
    return { ok: false, code: "api_unexpected_response", field: "host", message: `${url} answered ${describeAnswer(answer)}, not like GitLab's API.` };
  },
  oauthClient: (endpoints, client, signal) =>
    checkTokenEndpoint({
      tokenUrl: endpoints.tokenUrl,
      // Doorkeeper checks that a redirect_uri is present before it looks at the client.
      form: { grant_type: "authorization_code", code: invalidAuthorizationCode(), redirect_uri: PLACEHOLDER_REDIRECT_URI, client_id: client.clientId, client_secret: client.clientSecret },
      signal,
      endpointField: "host",
      classify: (answer) => {
        const error = oauthErrorOf(answer);
        if (error === "invalid_client") return "refused";
        if (error === "invalid_grant") return "accepted";
        return null;
      },
      clientIdKnown: async () => {
        const url = `${endpoints.authorizeUrl}?${new URLSearchParams({ client_id: client.clientId, response_type: "code", redirect_uri: PLACEHOLDER_REDIRECT_URI })}`;
        const answer = await probe(url, {}, signal);
        return answer.ok && answer.status === 401 ? false : null;
      },
    }),
};
