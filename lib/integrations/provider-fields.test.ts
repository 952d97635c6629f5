import { describe, expect, it } from "vitest";
import { parseEnv } from "../env";
import { offersLoopbackStandIn } from "./provider-fields";

const base = { PUBLIC_BASE_URL: "http://localhost:3000", AUTH_SECRET: "x".repeat(32) };

describe("offersLoopbackStandIn", () => {
  // Regression: Bitbucket's "Local stand-in (development and tests only)" was offered wherever
  // loopback hosts were accepted by default, not only where the sandbox was asked for.
  it("is offered only on a plane started with SCM_ALLOW_LOOPBACK_HOSTS on", () => {
    expect(offersLoopbackStandIn(parseEnv({ ...base, NODE_ENV: "production", SCM_ALLOW_LOOPBACK_HOSTS: "1" }))).toBe(true);
    expect(offersLoopbackStandIn(parseEnv({ ...base, NODE_ENV: "development", SCM_ALLOW_LOOPBACK_HOSTS: "true" }))).toBe(true);
  });

  it("is not offered by the defaults, in production or not, nor when loopback is turned off", () => {
    expect(offersLoopbackStandIn(parseEnv({ ...base, NODE_ENV: "production" }))).toBe(false);
    expect(offersLoopbackStandIn(parseEnv({ ...base, NODE_ENV: "development" }))).toBe(false);
    expect(offersLoopbackStandIn(parseEnv({ ...base, NODE_ENV: "development", SCM_ALLOW_LOOPBACK_HOSTS: "0" }))).toBe(false);
  });
});
