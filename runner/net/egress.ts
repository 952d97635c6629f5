import dns from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { Agent, fetch as undiciFetch } from "undici";
import { ADDRESS_CLASS_LABEL, refusedAddress, type AddressClass, type AddressPolicy } from "@/lib/providers/address";
import { findCause } from "@/lib/errors/cause-chain";

/**
 * Where the runner may connect on a provider's behalf. Every provider request (identify, validate,
 * revoke, token endpoint, Save & Test, agent tools) and every git clone the runner starts resolves
 * the host first and refuses link-local, cloud metadata, unspecified, multicast and reserved
 * addresses; loopback only when SCM_ALLOW_LOOPBACK_HOSTS is set on the runner (the provider
 * sandbox), private networks only for hosts whose integration says "This host is on a private
 * network". The check runs in the connection's own DNS lookup, so the address checked is the
 * address connected to: a name that resolves to a public address once and to 169.254.169.254 the
 * next time (DNS rebinding) is refused the second time.
 */

/** `SCM_ALLOW_LOOPBACK_HOSTS` on the runner: the provider sandbox and tests run on loopback. */
export function runnerAllowsLoopback(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.SCM_ALLOW_LOOPBACK_HOSTS;
  return value === "1" || value === "true";
}

/** Host names (lower case, without port) whose integration allows private network addresses. */
const privateHosts = new Map<string, boolean>();

function hostnameOf(url: string): string | null {
  try {
    return new URL(url).hostname.replace(/^\[|\]$/g, "").toLowerCase();
  } catch {
    return null;
  }
}

/**
 * Records an integration's choice for the host names of its URLs (web, API, token endpoint, git).
 * Called wherever the runner derives an integration's endpoints, so the choice the admin made last
 * is the one that applies.
 */
export function setPrivateNetworkAllowed(urls: Iterable<string | null | undefined>, allowed: boolean): void {
  for (const url of urls) {
    const host = url ? hostnameOf(url) : null;
    if (host) privateHosts.set(host, allowed);
  }
}

/** The policy for connections to `hostname`. */
export function policyFor(hostname: string, env: NodeJS.ProcessEnv = process.env): AddressPolicy {
  return { allowLoopback: runnerAllowsLoopback(env), allowPrivate: privateHosts.get(hostname.replace(/^\[|\]$/g, "").toLowerCase()) === true };
}

/** A connection the runner refused to make: the host resolved to an address it must not reach. */
export class EgressRefusedError extends Error {
  readonly code = "EGRESS_REFUSED";
  constructor(
    readonly hostname: string,
    readonly address: string,
    readonly kind: AddressClass,
  ) {
    super(
      kind === "private"
        ? `${hostname} resolves to ${address}, a private network address; the runner connects to private networks only for integrations marked "This host is on a private network".`
        : kind === "loopback"
          ? `${hostname} resolves to ${address}, a loopback address; the runner connects to loopback only when SCM_ALLOW_LOOPBACK_HOSTS=1 (the provider sandbox).`
          : `${hostname} resolves to ${address}, ${ADDRESS_CLASS_LABEL[kind as Exclude<AddressClass, "public">]}, which the runner never connects to.`,
    );
    this.name = "EgressRefusedError";
  }
}

/** Throws EgressRefusedError when `address` is not allowed for `hostname`. */
export function assertAddressAllowed(hostname: string, address: string, policy: AddressPolicy = policyFor(hostname)): void {
  const kind = refusedAddress(address, policy);
  if (kind) throw new EgressRefusedError(hostname, address, kind);
}

type LookupAddress = { address: string; family: number };
type Resolver = (hostname: string) => Promise<LookupAddress[]>;

const systemResolver: Resolver = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });
let resolver: Resolver = systemResolver;

/**
 * Answers DNS lookups from `answer` instead of the system resolver, until the returned function is
 * called: how tests play a DNS server that points a name at a metadata address or rebinds it.
 */
export function replaceResolver(answer: Resolver): () => void {
  resolver = answer;
  return () => {
    resolver = systemResolver;
  };
}

/** Resolves `hostname` (or takes an IP literal as is) and checks every address it gives. */
export async function resolveAllowed(hostname: string, policy: AddressPolicy = policyFor(hostname)): Promise<LookupAddress[]> {
  const bare = hostname.replace(/^\[|\]$/g, "");
  const family = isIP(bare);
  const addresses: LookupAddress[] = family ? [{ address: bare, family }] : await resolver(bare);
  if (addresses.length === 0) throw Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" });
  // One bad answer refuses the name: a resolver that mixes in 169.254.169.254 is not trusted for the rest.
  for (const a of addresses) assertAddressAllowed(hostname, a.address, policy);
  return addresses;
}

/**
 * A `lookup` for sockets: the addresses the connection will use, all checked. Works for both
 * calling conventions (`all: true`, which Node's happy-eyeballs connect uses, and one address).
 */
export const checkedLookup: LookupFunction = (hostname, options, callback) => {
  resolveAllowed(hostname).then(
    (addresses) => {
      const wanted = options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
      if (wanted.length === 0) {
        callback(Object.assign(new Error(`${hostname} has no IPv${options.family} address`), { code: "ENOTFOUND" }) as NodeJS.ErrnoException, "", 0);
        return;
      }
      if (options.all) (callback as unknown as (err: null, addresses: LookupAddress[]) => void)(null, wanted);
      else callback(null, wanted[0]!.address, wanted[0]!.family);
    },
    (error: NodeJS.ErrnoException) => callback(error, "", 0),
  );
};

let agent: Agent | null = null;

/** The dispatcher every provider request goes through. */
function egressAgent(): Agent {
  agent ??= new Agent({ connect: { lookup: checkedLookup }, connections: 16 });
  return agent;
}

/**
 * `fetch` for provider requests: undici's fetch over the checked dispatcher. IP literals never go
 * through a DNS lookup, so they are checked here before anything is sent.
 */
export const egressFetch: typeof fetch = async (input, init) => {
  const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  const hostname = hostnameOf(url);
  if (hostname && isIP(hostname)) assertAddressAllowed(hostname, hostname);
  const response = await undiciFetch(input as Parameters<typeof undiciFetch>[0], { ...((await sameRealmBody(init)) as Parameters<typeof undiciFetch>[1]), dispatcher: egressAgent() });
  return response as unknown as Response;
};

/**
 * undici's own fetch does not recognise the FormData, Blob or stream classes of Node's built-in
 * fetch (gitbeaker sends FormData): such a body is serialized here, with its content type (a
 * multipart boundary), so it reaches the provider as the caller built it.
 */
async function sameRealmBody(init: RequestInit | undefined): Promise<RequestInit | undefined> {
  const body = init?.body;
  if (body === undefined || body === null || typeof body === "string" || body instanceof Uint8Array || body instanceof URLSearchParams) return init;
  const encoded = new Response(body);
  const headers = new Headers(init?.headers);
  const type = encoded.headers.get("content-type");
  if (type && !headers.has("content-type")) headers.set("content-type", type);
  return { ...init, headers, body: new Uint8Array(await encoded.arrayBuffer()) };
}

/** The EgressRefusedError somewhere in a failed fetch's cause chain. */
export function egressRefusal(e: unknown): EgressRefusedError | null {
  return findCause(e, (cur): cur is EgressRefusedError => cur instanceof EgressRefusedError);
}

/**
 * git's `-c` options that pin a runner-started git command to the checked address of its remote:
 * curl then connects where the runner checked instead of resolving the name again, and git does not
 * follow a redirect to a host that was not checked.
 */
export async function pinnedGitArgs(remoteUrl: string): Promise<string[]> {
  const url = new URL(remoteUrl);
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  const port = url.port || (url.protocol === "http:" ? "80" : "443");
  const addresses = await resolveAllowed(hostname);
  const args = ["-c", "http.followRedirects=false"];
  if (!isIP(hostname)) args.push("-c", `http.curloptResolve=${hostname}:${port}:${addresses.map((a) => (a.family === 6 ? `[${a.address}]` : a.address)).join(",")}`);
  return args;
}
