import { repositoriesListPayloadSchema, type RepositoriesListResult } from "@/lib/environments/repositories-protocol";
import { getProviderClient, ProviderError } from "../providers";
import { parsePayload, typedFailures } from "./job-support";
import type { JobHandler } from "./types";

/**
 * `repositories.list` (the environment form's repository picker): with the user's own credential,
 * fetched, opened and (when expiring) refreshed as for a clone, asks the provider which
 * repositories that account can see. The token never leaves the runner; the plane gets names and
 * URLs. Changes nothing: a refused credential is reported (`credential_needs_reauth`), not marked.
 */
export const repositoriesList: JobHandler = async (raw, ctx) => {
  const payload = parsePayload(repositoriesListPayloadSchema, raw, "repository list");
  const { integration } = payload;
  return typedFailures(async () => {
    const credential = await ctx.credentials.acquire({ userId: payload.userId, host: integration.host, signal: ctx.signal });
    const client = getProviderClient(integration.provider);
    // The account facts a stored credential is used with (Azure DevOps: the organization or collection).
    const account = client.storedAccount(credential, { ...integration, repository: "" });
    if (!account) {
      throw new ProviderError(
        "unsupported_credential_type",
        `This ${integration.host} token was connected before the account's email was kept with it, and the runner cannot list repositories with it alone. Reconnect the token in Settings > Git Authentications, entering the email, or connect with OAuth, to pick from a list; or type the repository URL.`,
      );
    }
    await ctx.progress("listing");
    const listing = await client.listRepositories({
      endpoints: credential.endpoints,
      token: credential.accessToken,
      source: credential.source,
      ...account,
      search: payload.search,
      limit: payload.limit,
      signal: ctx.signal,
    });
    return listing satisfies RepositoriesListResult;
  });
};
