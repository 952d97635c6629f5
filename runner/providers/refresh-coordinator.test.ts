import { randomUUID } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { ProviderError } from "./provider-error";
import { withFreshCredential } from "./refresh-coordinator";

type Cred = { accessToken: string; refreshToken: string | null; expiresAt: string | null; generation: number };

const NOW = Date.parse("2026-01-01T00:00:00Z");
const at = (ms: number) => new Date(NOW + ms).toISOString();

function fixture(initial: Partial<Cred> = {}) {
  const events: string[] = [];
  let stored: Cred = { accessToken: "a1", refreshToken: "r1", expiresAt: at(60_000), generation: 1, ...initial };
  const load = vi.fn(async () => stored);
  const refresh = vi.fn(async (c: Cred): Promise<Cred> => {
    events.push("refresh");
    return { accessToken: `a${c.generation + 1}`, refreshToken: `r${c.generation + 1}`, expiresAt: at(3_600_000), generation: c.generation + 1 };
  });
  const save = vi.fn(async (next: Cred) => {
    await new Promise((r) => setTimeout(r, 5));
    events.push("save");
    stored = next;
  });
  const markNeedsReauth = vi.fn(async () => {});
  const opts = { markNeedsReauth, now: () => NOW, sleep: async () => {}, backoffMs: () => 1 };
  return { events, load, refresh, save, markNeedsReauth, opts, id: randomUUID(), stored: () => stored };
}

describe("withFreshCredential", () => {
  it("returns a credential that is not near expiry without refreshing", async () => {
    const f = fixture({ expiresAt: at(10 * 60_000) });
    expect((await withFreshCredential(f.id, f.load, f.refresh, f.save, f.opts)).accessToken).toBe("a1");
    const never = fixture({ expiresAt: null });
    await withFreshCredential(never.id, never.load, never.refresh, never.save, never.opts);
    expect(f.refresh).not.toHaveBeenCalled();
    expect(never.refresh).not.toHaveBeenCalled();
  });

  it("refreshes within 5 minutes of expiry, once for concurrent callers, and saves before anyone gets it", async () => {
    const f = fixture({ expiresAt: at(4 * 60_000) });
    const handed: string[] = [];
    await Promise.all(
      Array.from({ length: 10 }, () =>
        withFreshCredential(f.id, f.load, f.refresh, f.save, f.opts).then((c) => {
          handed.push(c.accessToken);
          f.events.push("handed");
        }),
      ),
    );
    expect(f.refresh).toHaveBeenCalledTimes(1);
    expect(f.save).toHaveBeenCalledTimes(1);
    expect(handed).toEqual(Array(10).fill("a2"));
    expect(f.events.slice(0, 3)).toEqual(["refresh", "save", "handed"]);
  });

  it("retries transient failures up to three attempts", async () => {
    const f = fixture();
    const transient = new ProviderError("provider_error", "down", { retryable: true, detail: { status: 503 } });
    f.refresh.mockRejectedValueOnce(transient).mockRejectedValueOnce(transient);
    expect((await withFreshCredential(f.id, f.load, f.refresh, f.save, f.opts)).generation).toBe(2);
    expect(f.refresh).toHaveBeenCalledTimes(3);

    const g = fixture();
    g.refresh.mockRejectedValue(transient);
    await expect(withFreshCredential(g.id, g.load, g.refresh, g.save, g.opts)).rejects.toBe(transient);
    expect(g.refresh).toHaveBeenCalledTimes(3);
    expect(g.markNeedsReauth).not.toHaveBeenCalled();
  });

  it("does not sit out a long Retry-After itself", async () => {
    const f = fixture();
    f.refresh.mockRejectedValue(new ProviderError("rate_limited", "slow down", { retryable: true, detail: { retryAfterSeconds: 600 } }));
    await expect(withFreshCredential(f.id, f.load, f.refresh, f.save, f.opts)).rejects.toMatchObject({ code: "rate_limited" });
    expect(f.refresh).toHaveBeenCalledTimes(1);
  });

  it("marks a refused refresh token once, and afterwards fails without asking the provider", async () => {
    const f = fixture();
    f.refresh.mockRejectedValue(new ProviderError("credential_needs_reauth", "refused", { detail: { status: 400, providerError: "invalid_grant" } }));
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => withFreshCredential(f.id, f.load, f.refresh, f.save, f.opts)));
    expect(results.every((r) => r.status === "rejected" && (r.reason as ProviderError).code === "credential_needs_reauth")).toBe(true);
    await expect(withFreshCredential(f.id, f.load, f.refresh, f.save, f.opts)).rejects.toMatchObject({ code: "credential_needs_reauth" });
    expect(f.refresh).toHaveBeenCalledTimes(1);
    expect(f.markNeedsReauth).toHaveBeenCalledTimes(1);
    expect(f.save).not.toHaveBeenCalled();
  });

  it("passes other permanent failures through without marking the credential", async () => {
    const f = fixture();
    f.refresh.mockRejectedValue(new ProviderError("oauth_client_invalid", "bad client"));
    await expect(withFreshCredential(f.id, f.load, f.refresh, f.save, f.opts)).rejects.toMatchObject({ code: "oauth_client_invalid" });
    expect(f.refresh).toHaveBeenCalledTimes(1);
    expect(f.markNeedsReauth).not.toHaveBeenCalled();
  });

  it("marks an expired credential that has no refresh token", async () => {
    const f = fixture({ refreshToken: null, expiresAt: at(-1000) });
    await expect(withFreshCredential(f.id, f.load, f.refresh, f.save, f.opts)).rejects.toMatchObject({ code: "credential_needs_reauth" });
    await expect(withFreshCredential(f.id, f.load, f.refresh, f.save, f.opts)).rejects.toMatchObject({ code: "credential_needs_reauth" });
    expect(f.markNeedsReauth).toHaveBeenCalledTimes(1);
    const soon = fixture({ refreshToken: null, expiresAt: at(60_000) });
    expect((await withFreshCredential(soon.id, soon.load, soon.refresh, soon.save, soon.opts)).accessToken).toBe("a1");
  });

  it("retries a transient save without refreshing again, and uses the winner after a generation conflict", async () => {
    const f = fixture();
    f.save.mockRejectedValueOnce(Object.assign(new Error("plane unreachable"), { retryable: true }));
    expect((await withFreshCredential(f.id, f.load, f.refresh, f.save, f.opts)).generation).toBe(2);
    expect(f.refresh).toHaveBeenCalledTimes(1);
    expect(f.save).toHaveBeenCalledTimes(2);

    const g = fixture();
    const winner: Cred = { accessToken: "other", refreshToken: "r-other", expiresAt: at(3_600_000), generation: 2 };
    g.save.mockImplementationOnce(async () => {
      g.load.mockResolvedValue(winner);
      throw Object.assign(new Error("conflict"), { code: "credential_generation_conflict" });
    });
    expect(await withFreshCredential(g.id, g.load, g.refresh, g.save, g.opts)).toBe(winner);
  });
});
