import { isIP } from "node:net";

/**
 * What an IP address is, for deciding whether the runner may connect to it on a provider's behalf.
 * `private`: RFC 1918, CGNAT (100.64.0.0/10), benchmarking (198.18.0.0/15) and IPv6 unique local
 * (fc00::/7), which a provider inside a company network has. The others are never a provider's
 * public address: `metadata` is a cloud instance metadata service, `link-local` includes
 * 169.254.169.254, `unspecified` is 0.0.0.0/8 or `::`.
 */
export type AddressClass = "public" | "private" | "loopback" | "link-local" | "metadata" | "unspecified" | "multicast" | "reserved";

/** How each class is named in error messages. */
export const ADDRESS_CLASS_LABEL: Record<Exclude<AddressClass, "public">, string> = {
  private: "a private network address",
  loopback: "a loopback address",
  "link-local": "a link-local or cloud metadata address",
  metadata: "a cloud metadata address",
  unspecified: "an unspecified address",
  multicast: "a multicast address",
  reserved: "a reserved address",
};

function classifyIpv4(ip: string): AddressClass {
  const [a, b, c, d] = ip.split(".").map(Number) as [number, number, number, number];
  if (a === 0) return "unspecified";
  if (a === 127) return "loopback";
  if (a === 169 && b === 254) return "link-local";
  // Alibaba Cloud's metadata service lives in 100.100.0.0/16, inside the CGNAT range.
  if (a === 100 && b === 100) return "metadata";
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127) || (a === 198 && (b === 18 || b === 19))) return "private";
  if (a === 192 && b === 0 && c === 0) return "reserved";
  if (a >= 224 && a <= 239) return "multicast";
  if (a >= 240 || (a === 255 && b === 255 && c === 255 && d === 255)) return "reserved";
  return "public";
}

/** The eight 16-bit groups of an IPv6 address (with an embedded dotted IPv4 tail converted). */
function ipv6Groups(ip: string): number[] | null {
  let v = ip.toLowerCase().replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(v);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split(".").map(Number) as [number, number, number, number];
    v = `${v.slice(0, -dotted[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = v.split("::");
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 0) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

function ipv4From(hi: number, lo: number): string {
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join(".");
}

function classifyIpv6(ip: string): AddressClass {
  const g = ipv6Groups(ip);
  if (!g) return "reserved";
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeroUpTo(8)) return "unspecified";
  if (zeroUpTo(7) && g[7] === 1) return "loopback";
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) carry
  // an IPv4 address that is what the connection reaches.
  if (zeroUpTo(5) && g[5] === 0xffff) return classifyIpv4(ipv4From(g[6]!, g[7]!));
  if (zeroUpTo(6)) return classifyIpv4(ipv4From(g[6]!, g[7]!));
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return classifyIpv4(ipv4From(g[6]!, g[7]!));
  // AWS's IPv6 metadata endpoint fd00:ec2::254, inside the unique local range.
  if (g[0] === 0xfd00 && g[1] === 0x0ec2) return "metadata";
  if ((g[0]! & 0xffc0) === 0xfe80) return "link-local";
  if ((g[0]! & 0xfe00) === 0xfc00) return "private";
  if ((g[0]! & 0xff00) === 0xff00) return "multicast";
  // 6to4 (2002::/16) embeds an IPv4 address too.
  if (g[0] === 0x2002) {
    const inner = classifyIpv4(ipv4From(g[1]!, g[2]!));
    return inner === "public" ? "public" : inner;
  }
  return "public";
}

/** The class of an IP address; anything that is not an IP address is `reserved`. */
export function classifyAddress(ip: string): AddressClass {
  const bare = ip.replace(/^\[|\]$/g, "");
  const family = isIP(bare.replace(/%.*$/, ""));
  if (family === 4) return classifyIpv4(bare);
  if (family === 6) return classifyIpv6(bare);
  return "reserved";
}

/** Where the runner may connect: what the plane allows for loopback, and the integration's choice for private networks. */
export type AddressPolicy = { allowLoopback: boolean; allowPrivate: boolean };

/**
 * Why a connection to `ip` is refused under `policy`, or null when it is allowed. Link-local,
 * metadata, unspecified, multicast and reserved addresses are always refused; loopback only where
 * the provider sandbox is allowed; private networks only where the admin said so.
 */
export function refusedAddress(ip: string, policy: AddressPolicy): AddressClass | null {
  const kind = classifyAddress(ip);
  if (kind === "public") return null;
  if (kind === "loopback" && policy.allowLoopback) return null;
  if (kind === "private" && policy.allowPrivate) return null;
  return kind;
}
