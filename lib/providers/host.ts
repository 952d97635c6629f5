import { isIP } from "node:net";

export type HostCheck =
  | { ok: true; host: string; baseUrl: string; loopback: boolean }
  | { ok: false; reason: string };

const METADATA_HOSTS = new Set(["metadata.google.internal", "metadata", "metadata.azure.com", "instance-data", "instance-data.ec2.internal"]);
const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]"]);

function ipv4Forbidden(ip: string): string | null {
  const [a, b] = ip.split(".").map(Number) as [number, number, number, number];
  if (a === 0) return "an unspecified (0.x.x.x) address";
  if (a === 169 && b === 254) return "a link-local or cloud metadata address";
  if (a === 100 && b === 100) return "a cloud metadata address";
  if (a >= 224) return "a multicast or reserved address";
  return null;
}

/** `::ffff:7f00:1` (how the URL parser writes IPv4-mapped addresses) → `127.0.0.1`. */
function mappedIpv4(v: string): string | null {
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(v);
  if (dotted) return dotted[1]!;
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(v);
  if (!hex) return null;
  const hi = parseInt(hex[1]!, 16);
  const lo = parseInt(hex[2]!, 16);
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join(".");
}

function ipv6Forbidden(ip: string): string | null {
  const v = ip.toLowerCase();
  if (v === "::" || v === "0:0:0:0:0:0:0:0") return "an unspecified address";
  if (/^fe[89ab]/.test(v)) return "a link-local address";
  if (v.startsWith("ff")) return "a multicast address";
  if (v.startsWith("fd00:ec2")) return "a cloud metadata address";
  const mapped = mappedIpv4(v);
  if (mapped) return ipv4Forbidden(mapped) ?? (mapped.startsWith("127.") ? "a loopback address" : null);
  return null;
}

/**
 * Validates what an admin typed as a provider host and normalizes it to `host[:port]` and its base
 * URL. Accepts `example.com`, `example.com:8443` or `https://example.com`; refuses paths, queries,
 * credentials, plain HTTP, link-local, metadata and unspecified addresses, and names without a dot,
 * all after the URL parser has normalized tricks such as `0x7f.1` or `2130706433`. Loopback hosts
 * (the provider sandbox) are accepted over HTTP only when `allowLoopback` is set.
 */
export function checkHost(input: string, opts: { allowLoopback: boolean }): HostCheck {
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
  const loopback = LOOPBACK_NAMES.has(hostname) || hostname.endsWith(".localhost") || bare.startsWith("127.") || bare === "::1";
  const host = url.port ? `${hostname}:${url.port}` : hostname;

  if (loopback) {
    if (!opts.allowLoopback) return { ok: false, reason: "Loopback hosts are not allowed." };
    return { ok: true, host, baseUrl: `${url.protocol}//${host}`, loopback: true };
  }
  if (url.protocol !== "https:") return { ok: false, reason: "Only https:// hosts are supported." };
  if (METADATA_HOSTS.has(hostname)) return { ok: false, reason: "Cloud metadata hosts are not allowed." };
  const family = isIP(bare);
  const forbidden = family === 4 ? ipv4Forbidden(bare) : family === 6 ? ipv6Forbidden(bare) : null;
  if (forbidden) return { ok: false, reason: `The host is ${forbidden}.` };
  if (family === 0) {
    if (!hostname.includes(".")) return { ok: false, reason: "Enter a fully qualified host name, such as git.example.com." };
    if (!/^[a-z0-9.-]+$/.test(hostname) || hostname.split(".").some((label) => label.length === 0 || label.length > 63 || label.startsWith("-") || label.endsWith("-"))) {
      return { ok: false, reason: "This is not a valid host name." };
    }
  }
  return { ok: true, host, baseUrl: `https://${host}`, loopback: false };
}
