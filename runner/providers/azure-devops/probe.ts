import { describeAnswer, jsonObject, probe, unreachableCode } from "../../probes/http";
import { checkTokenEndpoint, invalidAuthorizationCode, oauthErrorOf, PLACEHOLDER_REDIRECT_URI } from "../../probes/token-endpoint";
import type { ProviderProbe } from "../../probes/types";

/** Azure DevOps' resource id in Microsoft Entra ID (the scope a real code exchange would ask for). */
const AZURE_DEVOPS_SCOPE = "499b84ac-1321-427f-aa17-267ca6975798/.default";

/**
 * Azure DevOps Services and Server. `_apis/connectionData` answers with the deployment's JSON, or
 * without credentials with a VSS error (`typeKey`) and `X-TFS-*`/`X-VSS-*` headers. OAuth goes
 * through Microsoft Entra ID, whose token endpoint tells an unknown application
 * (`unauthorized_client`, AADSTS700016) from a wrong secret (`invalid_client`, AADSTS7000215) and
 * from a bad code (`invalid_grant`).
 */
export const azureDevopsProbe: ProviderProbe = {
  api: async (endpoints, signal) => {
    const url = `${endpoints.apiUrl}/_apis/connectionData`;
    const answer = await probe(url, { headers: { accept: "application/json" } }, signal);
    if (!answer.ok) return { ok: false, code: unreachableCode(answer), field: "host", message: `Azure DevOps at ${url} did not answer: ${answer.message}` };
    const body = jsonObject(answer);
    const vssHeaders = [...answer.headers.keys()].some((name) => name.startsWith("x-tfs-") || name.startsWith("x-vss-"));
    if (body && (typeof body.deploymentType === "string" || typeof body.instanceId === "string" || typeof body.typeKey === "string")) return { ok: true };
    if (vssHeaders && answer.status < 500) return { ok: true };
    return { ok: false, code: "api_unexpected_response", field: "virtualDirectory", message: `${url} answered ${describeAnswer(answer)}, not like Azure DevOps (check the virtual directory or organization).` };
  },
  oauthClient: (endpoints, client, signal) =>
    checkTokenEndpoint({
      tokenUrl: endpoints.tokenUrl,
      form: {
        grant_type: "authorization_code",
        code: invalidAuthorizationCode(),
        redirect_uri: PLACEHOLDER_REDIRECT_URI,
        scope: AZURE_DEVOPS_SCOPE,
        client_id: client.clientId,
        client_secret: client.clientSecret,
      },
      signal,
      endpointField: "issuerUrl",
      classify: (answer) => {
        const error = oauthErrorOf(answer);
        const codes = jsonObject(answer)?.error_codes;
        if (error === "unauthorized_client" && Array.isArray(codes) && codes.includes(700016)) return "unknown_client";
        if (error === "invalid_client" || error === "unauthorized_client") return "refused";
        if (error === "invalid_grant") return "accepted";
        return null;
      },
    }),
};
