import { z } from "zod";
import type { IntegrationRef } from "@/lib/git-auth/job-payloads";
import { log } from "@/runner/log";
import { getProvider } from "@/lib/providers";
import { setPrivateNetworkAllowed } from "../net/egress";
import type { ClientEndpoints } from "../providers";

/**
 * `RUNNER_ENDPOINT_OVERRIDES`: per host, URLs that differ from what `lib/providers` derives. Only
 * offline stand-ins need it — the provider sandbox serves Azure DevOps' profile endpoint (which
 * tells an all-organizations PAT apart) on a host of its own, where the real service has
 * app.vssps.visualstudio.com. Example: `{"127.0.0.1:4105":{"profileUrl":"http://127.0.0.1:4106/_apis/profile/profiles/me"}}`.
 */
export const ENDPOINT_OVERRIDES_ENV = "RUNNER_ENDPOINT_OVERRIDES";

const url = z.string().url();
const overridesSchema = z.record(
  z.string().min(1),
  z.strictObject({
    webUrl: url.optional(),
    apiUrl: url.optional(),
    authorizeUrl: url.optional(),
    tokenUrl: url.optional(),
    revokeUrl: url.nullable().optional(),
    userUrl: url.optional(),
    gitBaseUrl: url.optional(),
    profileUrl: url.nullable().optional(),
  }),
);
type Overrides = z.infer<typeof overridesSchema>;

let parsed: { raw: string | undefined; value: Overrides } | null = null;

function overrides(): Overrides {
  const raw = process.env[ENDPOINT_OVERRIDES_ENV];
  if (parsed && parsed.raw === raw) return parsed.value;
  let value: Overrides = {};
  if (raw) {
    try {
      value = overridesSchema.parse(JSON.parse(raw));
    } catch {
      // A broken override must not silently point a provider somewhere odd: ignore it, loudly.
      log.error("runner.endpoint_overrides_invalid", { variable: ENDPOINT_OVERRIDES_ENV });
    }
  }
  parsed = { raw, value };
  return value;
}

/** The URLs the runner uses for an integration: derived by the provider registry, then overridden per host. */
export function endpointsFor(integration: Pick<IntegrationRef, "provider" | "host" | "baseUrl" | "issuerUrl" | "virtualDirectory"> & Partial<Pick<IntegrationRef, "allowPrivateHosts">>): ClientEndpoints {
  const derived = getProvider(integration.provider).endpoints({
    host: integration.host,
    baseUrl: integration.baseUrl,
    issuerUrl: integration.issuerUrl,
    virtualDirectory: integration.virtualDirectory,
  });
  const endpoints: ClientEndpoints = { ...derived, ...overrides()[integration.host] };
  // The admin's choice about private networks applies to every URL of the integration.
  setPrivateNetworkAllowed(Object.values(endpoints), integration.allowPrivateHosts === true);
  return endpoints;
}
