import { execFile } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { IntegrationTestResult } from "@/lib/runners/protocol";
import { integrationTest } from "../jobs/integration-test";
import type { JobContext } from "../jobs/types";
import { send } from "../providers/http";
import { EgressRefusedError, egressFetch, pinnedGitArgs, replaceResolver, resolveAllowed, setPrivateNetworkAllowed } from "./egress";

const run = promisify(execFile);

/** A stand-in for whatever sits at an address the runner must not reach: it counts what reaches it. */
let server: http.Server;
let port: number;
const seen: Array<{ host: string | undefined; url: string | undefined }> = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push({ host: req.headers.host, url: req.url });
    // A new connection per request, so every request goes through a DNS lookup of its own.
    res.writeHead(200, { "content-type": "application/json", connection: "close" });
    res.end('{"secret":"instance-credentials"}');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

let restore: (() => void) | null = null;
const loopbackSetting = process.env.SCM_ALLOW_LOOPBACK_HOSTS;

afterEach(() => {
  restore?.();
  restore = null;
  seen.length = 0;
  process.env.SCM_ALLOW_LOOPBACK_HOSTS = loopbackSetting;
});

/** Plays a DNS server: each name answers its queue of addresses in turn (the last one repeats). */
function dnsAnswers(answers: Record<string, string[]>): void {
  const calls: Record<string, number> = {};
  restore = replaceResolver(async (hostname) => {
    const queue = answers[hostname];
    if (!queue) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    const i = Math.min(calls[hostname] ?? 0, queue.length - 1);
    calls[hostname] = (calls[hostname] ?? 0) + 1;
    const address = queue[i]!;
    return [{ address, family: address.includes(":") ? 6 : 4 }];
  });
}

const refusal = (promise: Promise<unknown>) => promise.then(
  () => null,
  (e: unknown) => {
    for (let cur: unknown = e; cur; cur = (cur as { cause?: unknown }).cause) if (cur instanceof EgressRefusedError) return cur;
    throw e;
  },
);

describe("the runner's egress check", () => {
  it("refuses a name that resolves to the metadata address, and sends nothing", async () => {
    dnsAnswers({ "169.254.169.254.nip.io": ["169.254.169.254"] });
    const refused = await refusal(egressFetch("http://169.254.169.254.nip.io/latest/meta-data/"));
    expect(refused?.kind).toBe("link-local");
    expect(refused?.message).toContain("169.254.169.254");
  });

  it("refuses metadata and link-local literals in every spelling before connecting", async () => {
    for (const url of ["http://169.254.169.254/latest/", "http://[::ffff:169.254.169.254]/", "http://[fd00:ec2::254]/", "http://0xa9.0xfe.0xa9.0xfe/", "http://2852039166/"]) {
      const refused = await refusal(egressFetch(url));
      expect(refused, url).toBeInstanceOf(EgressRefusedError);
    }
  });

  it("refuses loopback unless the runner is set up for the provider sandbox", async () => {
    process.env.SCM_ALLOW_LOOPBACK_HOSTS = "0";
    dnsAnswers({ "sandbox.test": ["127.0.0.1"] });
    expect((await refusal(egressFetch(`http://127.0.0.1:${port}/`)))?.kind).toBe("loopback");
    expect((await refusal(egressFetch(`http://sandbox.test:${port}/`)))?.kind).toBe("loopback");
    expect(seen).toHaveLength(0);

    process.env.SCM_ALLOW_LOOPBACK_HOSTS = "1";
    const answer = await egressFetch(`http://sandbox.test:${port}/`);
    expect(answer.status).toBe(200);
    expect(seen).toEqual([{ host: `sandbox.test:${port}`, url: "/" }]);
  });

  it("checks the address of every connection: a name rebound to the metadata address is refused the second time", async () => {
    dnsAnswers({ "rebind.test": ["127.0.0.1", "169.254.169.254"] });
    const first = await egressFetch(`http://rebind.test:${port}/first`);
    expect(first.status).toBe(200);
    await first.text();
    const refused = await refusal(egressFetch(`http://rebind.test:${port}/second`));
    expect(refused?.kind).toBe("link-local");
    expect(seen.map((s) => s.url)).toEqual(["/first"]);
  });

  it("refuses a name when any of its addresses is refused", async () => {
    restore = replaceResolver(async () => [
      { address: "127.0.0.1", family: 4 },
      { address: "169.254.169.254", family: 4 },
    ]);
    expect((await refusal(egressFetch(`http://mixed.test:${port}/`)))?.kind).toBe("link-local");
    expect(seen).toHaveLength(0);
  });

  it("allows private networks only for hosts whose integration says so", async () => {
    dnsAnswers({ "git.corp.test": ["10.20.30.40"], "other.corp.test": ["10.20.30.41"] });
    await expect(resolveAllowed("git.corp.test")).rejects.toMatchObject({ kind: "private" });
    setPrivateNetworkAllowed(["https://git.corp.test/api/v4"], true);
    await expect(resolveAllowed("git.corp.test")).resolves.toEqual([{ address: "10.20.30.40", family: 4 }]);
    await expect(resolveAllowed("other.corp.test")).rejects.toMatchObject({ kind: "private" });
    // Turning the setting off again applies at once.
    setPrivateNetworkAllowed(["https://git.corp.test"], false);
    await expect(resolveAllowed("git.corp.test")).rejects.toMatchObject({ kind: "private" });
  });

  it("never allows metadata addresses, even on a private-network integration", async () => {
    dnsAnswers({ "corp-metadata.test": ["fd00:ec2::254"] });
    setPrivateNetworkAllowed(["https://corp-metadata.test"], true);
    await expect(resolveAllowed("corp-metadata.test")).rejects.toMatchObject({ kind: "metadata" });
  });

  it("reports a refusal to provider calls as host_address_refused, not as a network failure", async () => {
    dnsAnswers({ "github.bait.test": ["169.254.169.254"] });
    await expect(send("https://github.bait.test/api/v3/user", {}, AbortSignal.timeout(5_000))).rejects.toMatchObject({ code: "host_address_refused", retryable: false });
  });

  it("fails Save & Test's first check with host_address_refused for 169.254.169.254.nip.io", async () => {
    dnsAnswers({ "169.254.169.254.nip.io": ["169.254.169.254"] });
    const ctx = { progress: async () => {}, signal: AbortSignal.timeout(10_000) } as unknown as JobContext;
    const payload = { integrationId: crypto.randomUUID(), provider: "github", host: "169.254.169.254.nip.io", baseUrl: "https://169.254.169.254.nip.io", issuerUrl: null, virtualDirectory: null, allowPrivateHosts: true, oauth: null, patEnabled: true };
    const result = (await integrationTest(payload, ctx)) as IntegrationTestResult;
    expect(result.checks).toHaveLength(1);
    expect(result.checks[0]).toMatchObject({ id: "reachable", ok: false, code: "host_address_refused", field: "host" });
    expect(result.checks[0]!.message).toContain("169.254.169.254");
  });
});

describe("bodies through the checked fetch", () => {
  it("sends a FormData body built with the platform's classes as multipart, with its boundary", async () => {
    const received: string[] = [];
    const echo = http.createServer((req, res) => {
      let text = "";
      req.on("data", (c: Buffer) => (text += c.toString("utf8")));
      req.on("end", () => {
        received.push(`${req.headers["content-type"]}\n${text}`);
        res.end("ok");
      });
    });
    await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
    try {
      const form = new FormData();
      form.append("body", "Looks good");
      form.append("position[new_line]", "3");
      const answer = await egressFetch(`http://127.0.0.1:${(echo.address() as AddressInfo).port}/notes`, { method: "POST", body: form });
      expect(answer.status).toBe(200);
      expect(received[0]).toMatch(/^multipart\/form-data; boundary=/);
      expect(received[0]).toContain('name="body"');
      expect(received[0]).toContain("Looks good");
      expect(received[0]).toContain('name="position[new_line]"');
    } finally {
      await new Promise<void>((resolve) => echo.close(() => resolve()));
    }
  });
});

describe("git pinned to the checked address", () => {
  it("connects where the runner checked, without resolving the name again, and follows no redirect", async () => {
    dnsAnswers({ "pinned.test": ["127.0.0.1"] });
    const args = await pinnedGitArgs(`http://pinned.test:${port}/org/repo.git`);
    expect(args).toEqual(["-c", "http.followRedirects=false", "-c", `http.curloptResolve=pinned.test:${port}:127.0.0.1`]);
    // The system resolver does not know pinned.test: git reaches the server only through the pin.
    await run("git", [...args, "ls-remote", `http://pinned.test:${port}/org/repo.git`], { env: { ...process.env, GIT_TERMINAL_PROMPT: "0" } }).catch(() => {});
    expect(seen.some((s) => s.host === `pinned.test:${port}` && s.url?.startsWith("/org/repo.git/info/refs"))).toBe(true);
  });

  it("refuses to start git for a remote that resolves to a refused address", async () => {
    dnsAnswers({ "git.bait.test": ["169.254.169.254"] });
    await expect(pinnedGitArgs("https://git.bait.test/org/repo.git")).rejects.toBeInstanceOf(EgressRefusedError);
  });
});
