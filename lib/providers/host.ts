import { isIP } from "node:net";
import { ADDRESS_CLASS_LABEL, classifyAddress } from "./address";

export type HostCheck =
  | { ok: true; host: string; baseUrl: string; loopback: boolean }
  | { ok: false; reason: string; field?: "allowPrivateHosts" };

/** Where the admin's input may point: loopback (the provider sandbox, per plane) and private networks (per integration). */
export type HostPolicy = { allowLoopback: boolean; allowPrivate?: boolean };

/** Said when a loopback host is refused: what would allow it. */
export const LOOPBACK_REFUSED = "Loopback hosts (localhost, 127.x.x.x, ::1) are accepted only on a plane started with SCM_ALLOW_LOOPBACK_HOSTS=1, for the provider sandbox.";
/** Said when a private network address is refused. */
export const PRIVATE_REFUSED = "The host is a private network address: tick \"This host is on a private network\" to allow it.";

const METADATA_HOSTS = new Set(["metadata.google.internal", "metadata", "metadata.azure.com", "instance-data", "instance-data.ec2.internal"]);
const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * Validates what an admin typed as a provider host and normalizes it to `host[:port]` and its base
 * URL. Accepts `example.com`, `example.com:8443` or `https://example.com`; refuses paths, queries,
 * credentials, plain HTTP, link-local, metadata and unspecified addresses, and names without a dot,
 * all after the URL parser has normalized tricks such as `0x7f.1` or `2130706433`. Loopback hosts
 * (the provider sandbox) are accepted over HTTP only when `allowLoopback` is set; private network
 * addresses only with `allowPrivate`. A name is checked as written: what it resolves to is checked
 * by the runner when it connects (runner/net/egress.ts), the plane never resolves it.
 */
export function checkHost(input: string, opts: HostPolicy): HostCheck {
  const raw = input.trim();
  if (raw.length === 0) return { ok: false, reason: "Enter a host name." };
  if (raw.length > 253) return { ok: false, reason: "The host name is too long." };
  if (/[\s\\]/.test(raw)) return { ok: false, reason: "The host name contains spaces or backslashes." };
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw);
  let url: URL;
  try {
    url = new URL(hasScheme ? raw : `https://${raw}`);
  } catch {
    return { ok: false, reason: "This is not a valid host name." };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { ok: false, reason: "Only https:// hosts are supported." };
  if (url.username || url.password || raw.includes("@")) return { ok: false, reason: "Leave credentials out of the host; they are entered separately." };
  if ((url.pathname !== "/" && url.pathname !== "") || url.search || url.hash || /\/[^/]/.test(raw.replace(/^[a-z]+:\/\//i, ""))) {
    return { ok: false, reason: "Enter only the host, without a path (Azure DevOps Server: put the virtual directory in its own field)." };
  }
  const hostname = url.hostname.replace(/\.$/, "").toLowerCase();
  const bare = hostname.replace(/^\[|\]$/g, "");
  const family = isIP(bare);
  const kind = family === 0 ? null : classifyAddress(bare);
  const loopback = LOOPBACK_NAMES.has(hostname) || hostname.endsWith(".localhost") || kind === "loopback";
  const host = url.port ? `${hostname}:${url.port}` : hostname;

  if (loopback) {
    if (!opts.allowLoopback) return { ok: false, reason: LOOPBACK_REFUSED };
    return { ok: true, host, baseUrl: `${url.protocol}//${host}`, loopback: true };
  }
  if (url.protocol !== "https:") return { ok: false, reason: "Only https:// hosts are supported." };
  if (METADATA_HOSTS.has(hostname)) return { ok: false, reason: "Cloud metadata hosts are not allowed." };
  if (kind === "private" && !opts.allowPrivate) return { ok: false, reason: PRIVATE_REFUSED, field: "allowPrivateHosts" };
  if (kind && kind !== "public" && kind !== "private") return { ok: false, reason: `The host is ${ADDRESS_CLASS_LABEL[kind]}.` };
  if (family === 0) {
    if (!hostname.includes(".")) return { ok: false, reason: "Enter a fully qualified host name, such as git.example.com." };
    if (!/^[a-z0-9.-]+$/.test(hostname) || hostname.split(".").some((label) => label.length === 0 || label.length > 63 || label.startsWith("-") || label.endsWith("-"))) {
      return { ok: false, reason: "This is not a valid host name." };
    }
  }
  return { ok: true, host, baseUrl: `https://${host}`, loopback: false };
}
