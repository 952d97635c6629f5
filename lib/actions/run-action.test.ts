import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { AppError } from "../errors/app-error";
import { describeCode } from "../errors/catalogue";
import { setLogSink } from "../log/logger";
import type { Actor } from "../users/actor";
import { runAction, type ActionDeps } from "./run-action";

const admin: Actor = { userId: "u1", orgId: "o1", role: "admin", email: "a@example.test", name: "A", orgName: "Org" };
const member: Actor = { ...admin, role: "member" };

function deps(overrides: Partial<{ actor: Actor | null; origin: string | null; host: string | null; fetchSite: string | null }> = {}): ActionDeps {
  return {
    requestHeaders: async () => ({
      origin: overrides.origin === undefined ? "http://localhost:3000" : overrides.origin,
      host: overrides.host === undefined ? "localhost:3000" : overrides.host,
      fetchSite: overrides.fetchSite ?? "same-origin",
    }),
    loadActor: async () => (overrides.actor === undefined ? admin : overrides.actor),
    rethrow: (e) => {
      if (e instanceof Error && e.message === "NEXT_REDIRECT") throw e;
    },
  };
}

const schema = z.object({ name: z.string().min(1, "Enter a name").max(10), secret: z.string().optional() });
const spec = (handler = vi.fn(async (input: z.output<typeof schema>) => ({ hello: input.name }))) => ({
  name: "test.action",
  access: { roles: ["admin"] as const },
  schema,
  handler,
});

describe("runAction", () => {
  it("parses FormData, runs the handler with the actor and returns its data", async () => {
    const handler = vi.fn(async (input: z.output<typeof schema>, actor: Actor | null) => ({ hello: input.name, by: actor?.userId }));
    const form = new FormData();
    form.set("name", "ada");
    form.set("$ACTION_ID_abc", "");
    expect(await runAction(deps(), { ...spec(), handler }, form)).toEqual({ ok: true, data: { hello: "ada", by: "u1" } });
  });

  it("returns field errors for invalid input without running the handler or echoing the input", async () => {
    const s = spec();
    const result = await runAction(deps(), s, { name: "", secret: "ghp_canary_should_not_echo" });
    expect(result).toMatchObject({ ok: false, code: "validation_failed", fieldErrors: { name: ["Enter a name"] } });
    expect(JSON.stringify(result)).not.toContain("ghp_canary");
    expect(s.handler).not.toHaveBeenCalled();
  });

  it("refuses signed-out and wrong-role callers before parsing", async () => {
    const s = spec();
    expect(await runAction(deps({ actor: null }), s, { name: "x" })).toMatchObject({ ok: false, code: "unauthenticated" });
    expect(await runAction(deps({ actor: member }), s, { name: "x" })).toMatchObject({ ok: false, code: "forbidden" });
    expect(s.handler).not.toHaveBeenCalled();
  });

  it("refuses cross-site requests by Origin and by Sec-Fetch-Site", async () => {
    const s = spec();
    expect(await runAction(deps({ origin: "https://evil.example" }), s, { name: "x" })).toMatchObject({ code: "cross_site_request" });
    expect(await runAction(deps({ origin: "null" }), s, { name: "x" })).toMatchObject({ code: "cross_site_request" });
    expect(await runAction(deps({ fetchSite: "cross-site" }), s, { name: "x" })).toMatchObject({ code: "cross_site_request" });
    expect(s.handler).not.toHaveBeenCalled();
    // No Origin at all (curl, old clients) still needs a valid session: checked by the actor step.
    expect(await runAction(deps({ origin: null, actor: null }), s, { name: "x" })).toMatchObject({ code: "unauthenticated" });
  });

  it("refuses oversized input", async () => {
    expect(await runAction(deps(), spec(), { name: "x", secret: "y".repeat(70_000) })).toMatchObject({ code: "payload_too_large" });
  });

  it("passes typed errors through and hides unexpected ones behind internal_error", async () => {
    const typed = spec(vi.fn(async () => {
      throw new AppError("last_admin");
    }));
    expect(await runAction(deps(), typed, { name: "x" })).toEqual({ ok: false, code: "last_admin", message: "An admin is required", entry: describeCode("last_admin").entry });

    const lines: string[] = [];
    const restore = setLogSink((l) => lines.push(l));
    const boom = spec(vi.fn(async () => {
      throw new Error("duplicate key value violates unique constraint ghp_" + "Z".repeat(36));
    }));
    const result = await runAction(deps(), boom, { name: "x" });
    setLogSink(restore);
    expect(result).toEqual({ ok: false, code: "internal_error", message: "Something went wrong", entry: describeCode("internal_error").entry });
    expect(lines.join("\n")).toContain("action.error");
    expect(lines.join("\n")).not.toContain("ghp_ZZZZ");
  });

  it("lets framework redirects through", async () => {
    const redirecting = spec(vi.fn(async () => {
      throw new Error("NEXT_REDIRECT");
    }));
    await expect(runAction(deps(), redirecting, { name: "x" })).rejects.toThrow("NEXT_REDIRECT");
  });

  it("allows public actions without an actor", async () => {
    const handler = vi.fn(async () => "ok");
    const result = await runAction(deps({ actor: null }), { name: "public", access: "public", schema: z.object({}), handler }, {});
    expect(result).toEqual({ ok: true, data: "ok" });
  });
});
