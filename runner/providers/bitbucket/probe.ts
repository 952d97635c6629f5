import { describeAnswer, jsonObject, probe, unreachableCode } from "../../probes/http";
import { checkTokenEndpoint, invalidAuthorizationCode, oauthErrorOf } from "../../probes/token-endpoint";
import type { ProviderProbe } from "../../probes/types";

/**
 * Bitbucket Cloud. `GET /2.0/user` without credentials answers 401 with Bitbucket's error JSON
 * (`{"type":"error",...}`). The token endpoint takes the consumer key and secret over Basic auth and
 * answers `invalid_client` for a bad consumer, `invalid_grant` for a bad code.
 */
export const bitbucketProbe: ProviderProbe = {
  api: async (endpoints, signal) => {
    const url = endpoints.userUrl;
    const answer = await probe(url, { headers: { accept: "application/json" } }, signal);
    if (!answer.ok) return { ok: false, code: unreachableCode(answer), field: "host", message: `Bitbucket's API at ${url} did not answer: ${answer.message}` };
    const body = jsonObject(answer);
    if ((answer.status === 401 || answer.status === 403) && body?.type === "error") return { ok: true };
    if (answer.status === 200 && (typeof body?.uuid === "string" || typeof body?.account_id === "string")) return { ok: true };
    return { ok: false, code: "api_unexpected_response", field: "host", message: `${url} answered ${describeAnswer(answer)}, not like Bitbucket's API.` };
  },
  oauthClient: (endpoints, client, signal) =>
    checkTokenEndpoint({
      tokenUrl: endpoints.tokenUrl,
      form: { grant_type: "authorization_code", code: invalidAuthorizationCode() },
      headers: { authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString("base64")}` },
      signal,
      endpointField: "host",
      classify: (answer) => {
        const error = oauthErrorOf(answer);
        if (error === "invalid_client" || error === "unauthorized_client") return "refused";
        if (error === "invalid_grant") return "accepted";
        return null;
      },
    }),
};
