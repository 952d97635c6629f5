import { describe, expect, it, vi } from "vitest";
import { hashPassword, verifyPassword } from "./passwords";

// Wraps (does not replace) argon2's verify so the test can see that it ran.
const verifySpy = vi.hoisted(() => vi.fn());
vi.mock("@node-rs/argon2", async (importOriginal) => {
  const real = await importOriginal<typeof import("@node-rs/argon2")>();
  verifySpy.mockImplementation(real.verify);
  return { ...real, verify: verifySpy };
});

describe("password hashing", () => {
  it("hashes with salted argon2id and verifies only the right password", async () => {
    const a = await hashPassword("a long enough password");
    const b = await hashPassword("a long enough password");
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword(a, "a long enough password")).toBe(true);
    expect(await verifyPassword(a, "a long enough passwore")).toBe(false);
  });

  it("returns false (never throws) for a missing or corrupt hash", async () => {
    expect(await verifyPassword(null, "anything")).toBe(false);
    expect(await verifyPassword(undefined, "anything")).toBe(false);
    expect(await verifyPassword("not-a-hash", "anything")).toBe(false);
  });

  it("runs a real argon2 verification for an unknown account, like for a wrong password", async () => {
    const argon2 = await import("@node-rs/argon2");
    const stored = await hashPassword("the real password");
    verifySpy.mockClear();
    await verifyPassword(stored, "wrong password");
    await verifyPassword(null, "wrong password");
    expect(verifySpy).toHaveBeenCalledTimes(2);
    expect(verifySpy.mock.calls[1]?.[0]).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(argon2.verify).toBe(verifySpy);
  });
});
