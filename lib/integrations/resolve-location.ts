import { AppError } from "../errors/app-error";
import { checkHost, type HostPolicy } from "../providers/host";
import { getProvider } from "../providers";
import type { IntegrationLocation, ProviderId } from "../providers/types";
import { providerFields, type FieldRule } from "./provider-fields";
import type { Deployment } from "./schemas";

export type LocationInput = {
  provider: ProviderId;
  deployment: Deployment;
  host: string | null;
  issuerUrl: string | null;
  virtualDirectory: string | null;
  /** The admin ticked "This host is on a private network". */
  allowPrivateHosts?: boolean;
};

export type ResolvedLocation = Required<IntegrationLocation> & { issuerUrl: string | null; virtualDirectory: string | null };

function hostInvalid(field: string, reason: string): AppError {
  return new AppError("host_invalid", { fieldErrors: { [field]: [reason] } });
}

/** An issuer URL passes the same SSRF rules as a host, keeps its path, and loses query and fragment. */
function checkIssuerUrl(raw: string, policy: HostPolicy): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw hostInvalid("issuerUrl", "Enter the full issuer URL, for example https://login.microsoftonline.com/<tenant-id>/v2.0.");
  }
  if (url.search || url.hash) throw hostInvalid("issuerUrl", "Leave the query and fragment out of the issuer URL.");
  const origin = checkHost(`${url.protocol}//${url.host}`, policy);
  if (!origin.ok) throw hostInvalid("issuerUrl", origin.reason);
  if (url.username || url.password) throw hostInvalid("issuerUrl", "Leave credentials out of the issuer URL.");
  return `${origin.baseUrl}${url.pathname.replace(/\/+$/, "")}`;
}

function checkVirtualDirectory(raw: string): string {
  const trimmed = raw.replace(/^\/+|\/+$/g, "");
  const segments = trimmed.split("/");
  if (!trimmed || segments.some((s) => !/^[A-Za-z0-9._~-]+$/.test(s) || s === "." || s === "..")) {
    throw new AppError("validation_failed", { fieldErrors: { virtualDirectory: ["Use letters, digits, dots, dashes and slashes only, for example tfs or tfs/DefaultCollection"] } });
  }
  return trimmed;
}

function applyRule(rule: FieldRule, value: string | null, field: string, missing: string): string | null {
  if (rule === "none") return null;
  if (rule === "required" && !value) throw new AppError("validation_failed", { fieldErrors: { [field]: [missing] } });
  return value;
}

/**
 * Turns what an admin chose (provider, deployment, host, issuer, virtual directory) into the
 * normalized location stored on the integration, or a typed error on the field at fault:
 * `host_invalid` for hosts and issuer URLs that fail the SSRF rules (`checkHost`), and for a
 * self-hosted instance of a provider that has none (Bitbucket Cloud is bitbucket.org only; a
 * loopback stand-in is accepted where loopback hosts are allowed).
 */
export function resolveLocation(input: LocationInput, opts: { allowLoopback: boolean }): ResolvedLocation {
  const provider = getProvider(input.provider);
  const spec = providerFields[input.provider];
  let host = provider.defaultHost;
  let baseUrl = `https://${provider.defaultHost}`;
  const policy: HostPolicy = { allowLoopback: opts.allowLoopback, allowPrivate: input.allowPrivateHosts === true };
  if (input.deployment === "self_hosted") {
    if (!input.host) throw new AppError("validation_failed", { fieldErrors: { host: ["Enter the host name of your instance"] } });
    const checked = checkHost(input.host, policy);
    if (!checked.ok) throw hostInvalid(checked.field ?? "host", checked.reason);
    if (!provider.selfHosted && !checked.loopback && !provider.isCloudHost(checked.host)) {
      throw hostInvalid("host", `${provider.name} is only available at ${provider.defaultHost}.`);
    }
    host = checked.host;
    baseUrl = checked.baseUrl;
  }
  const deployment: Deployment = provider.isCloudHost(host) ? "cloud" : "self_hosted";
  const issuer = applyRule(spec.issuerUrl[deployment], input.issuerUrl, "issuerUrl", "Enter your Microsoft Entra ID tenant's issuer URL");
  const directory = applyRule(spec.virtualDirectory[deployment], input.virtualDirectory, "virtualDirectory", "Enter the virtual directory");
  return {
    host,
    baseUrl,
    issuerUrl: issuer ? checkIssuerUrl(issuer, policy) : null,
    virtualDirectory: directory ? checkVirtualDirectory(directory) : null,
  };
}

/** The deployment of a stored integration (its provider's SaaS host, or anything else). */
export function deploymentOf(provider: ProviderId, host: string): Deployment {
  return getProvider(provider).isCloudHost(host) ? "cloud" : "self_hosted";
}
