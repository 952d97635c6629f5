import { describeAnswer, jsonObject, probe, unreachableCode } from "../../probes/http";
import { checkTokenEndpoint, invalidAuthorizationCode, oauthErrorOf } from "../../probes/token-endpoint";
import type { ProviderProbe } from "../../probes/types";

/**
 * GitHub and GitHub Enterprise Server. The API is recognized by `GET /rate_limit`, which answers
 * without authentication and carries GitHub's `x-github-*` headers (Enterprise Server with rate
 * limiting disabled answers 404 with the same headers and GitHub's JSON error).
 * The token endpoint answers 200 with `error=incorrect_client_credentials` for a bad client and
 * `bad_verification_code` for a bad code; it does not say whether the id or the secret is wrong,
 * but the authorize page 404s for an unknown client id.
 */
export const githubProbe: ProviderProbe = {
  api: async (endpoints, signal) => {
    const url = `${endpoints.apiUrl}/rate_limit`;
    const answer = await probe(url, { headers: { accept: "application/vnd.github+json", "x-github-api-version": "2022-11-28" } }, signal);
    if (!answer.ok) return { ok: false, code: unreachableCode(answer), field: "host", message: `GitHub's API at ${url} did not answer: ${answer.message}` };
    const githubHeaders = answer.headers.has("x-github-request-id") || answer.headers.has("x-github-media-type");
    const body = jsonObject(answer);
    if (body && (githubHeaders || (answer.status === 200 && typeof body.resources === "object"))) return { ok: true };
    return { ok: false, code: "api_unexpected_response", field: "host", message: `${url} answered ${describeAnswer(answer)}, not like GitHub's REST API.` };
  },
  oauthClient: (endpoints, client, signal) =>
    checkTokenEndpoint({
      tokenUrl: endpoints.tokenUrl,
      form: { client_id: client.clientId, client_secret: client.clientSecret, code: invalidAuthorizationCode() },
      signal,
      endpointField: "host",
      classify: (answer) => {
        const error = oauthErrorOf(answer);
        if (error === "incorrect_client_credentials") return "refused";
        // Any complaint about the code or the redirect comes after the client was authenticated.
        if (error === "bad_verification_code" || error === "redirect_uri_mismatch") return "accepted";
        return null;
      },
      clientIdKnown: async () => {
        const url = `${endpoints.authorizeUrl}?${new URLSearchParams({ client_id: client.clientId })}`;
        const answer = await probe(url, {}, signal);
        if (!answer.ok) return null;
        return answer.status === 404 ? false : null;
      },
    }),
};
