import { egressRefusal, pinnedGitArgs, setPrivateNetworkAllowed } from "../net/egress";
import { ProviderError } from "../providers/provider-error";

/**
 * The `-c` options that make a git command the runner starts connect only to its remote's
 * checked address (see `pinnedGitArgs`), with the integration's choice about private networks. A
 * remote that resolves to a refused address is `host_address_refused`; one that does not resolve
 * is `host_unreachable` (retryable, DNS may come back). Nothing is sent in either case.
 */
export async function pinnedRemoteArgs(remoteUrl: string, allowPrivateHosts: boolean): Promise<string[]> {
  setPrivateNetworkAllowed([remoteUrl], allowPrivateHosts);
  try {
    return await pinnedGitArgs(remoteUrl);
  } catch (e) {
    const refused = egressRefusal(e);
    if (refused) throw new ProviderError("host_address_refused", `${refused.message} git was not started.`, { detail: { providerError: refused.code, addressClass: refused.kind } });
    const code = typeof (e as { code?: unknown }).code === "string" ? (e as { code: string }).code : "DNS";
    throw new ProviderError("host_unreachable", `The runner could not resolve ${new URL(remoteUrl).hostname} (${code}).`, { retryable: true, detail: { providerError: code } });
  }
}
