import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENT_ADDRESS_HEADER, clientAddressOf, installClientAddressHeader } from "./client-address";

// Regression: the sign-in limit must know one client from another. Next keeps a client's own
// X-Forwarded-For, so a forger rotating that header would count as a new client at each attempt.
describe("the client address a request is limited by", () => {
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    installClientAddressHeader({ trustedProxies: 0 });
    server = http.createServer((req, res) => res.end(String(req.headers[CLIENT_ADDRESS_HEADER])));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it("is the connection's peer, whatever X-Forwarded-For or address header the client forges", async () => {
    const seen = new Set<string>();
    for (const forged of ["203.0.113.1", "203.0.113.2, 198.51.100.7", ""]) {
      const res = await fetch(url, { headers: { "x-forwarded-for": forged, [CLIENT_ADDRESS_HEADER]: "203.0.113.9" } });
      seen.add(await res.text());
    }
    expect([...seen]).toEqual(["127.0.0.1"]);
  });

  it("behind trusted proxies, is the entry the outermost trusted proxy appended, never one the client wrote", () => {
    // Client forged "6.6.6.6"; the proxy appended the address it saw (192.0.2.10); the socket is the proxy.
    expect(clientAddressOf({ peer: "10.0.0.5", forwardedFor: "6.6.6.6, 192.0.2.10", trustedProxies: 1 })).toBe("192.0.2.10");
    expect(clientAddressOf({ peer: "10.0.0.5", forwardedFor: "6.6.6.6, 192.0.2.10, 10.0.0.4", trustedProxies: 2 })).toBe("192.0.2.10");
    expect(clientAddressOf({ peer: "10.0.0.5", forwardedFor: "6.6.6.6", trustedProxies: 0 })).toBe("10.0.0.5");
    // More hops configured than present: the leftmost entry, not an error.
    expect(clientAddressOf({ peer: "10.0.0.5", forwardedFor: undefined, trustedProxies: 3 })).toBe("10.0.0.5");
  });
});
