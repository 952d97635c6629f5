import { describe, expect, it } from "vitest";
import { causeChain, errnoCode, findCause } from "./cause-chain";

class Marker extends Error {}

describe("cause chain", () => {
  it("walks the wrapped errors outermost first, and stops on a cycle", () => {
    const inner = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    const outer = new TypeError("fetch failed", { cause: inner });
    expect([...causeChain(outer)]).toEqual([outer, inner]);
    const a: { cause?: unknown } = {};
    const b = { cause: a };
    a.cause = b;
    expect([...causeChain(a)]).toHaveLength(6);
  });

  it("finds the errno code below an abort and the first error of a kind", () => {
    const socket = Object.assign(new Error("reset"), { code: "ECONNRESET" });
    const abort = Object.assign(new Error("aborted", { cause: socket }), { code: "ABORT_ERR" });
    expect(errnoCode(new TypeError("fetch failed", { cause: abort }))).toBe("ECONNRESET");
    expect(errnoCode(new Error("plain"))).toBeNull();
    const marker = new Marker("mine");
    expect(findCause(new Error("wrapped", { cause: marker }), (e): e is Marker => e instanceof Marker)).toBe(marker);
    expect(findCause("not an error", (e): e is Marker => e instanceof Marker)).toBeNull();
  });
});
