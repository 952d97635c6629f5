import { describe, expect, it } from "vitest";
import { failureFromAnswer, safeProviderText } from "./provider-failure";

const ctx = { host: "github.example.com", repository: "acme/app", token: "ghp_secretsecretsecretsecret0123" };
const answer = (status: number, body: unknown = {}, headers: Record<string, string> = {}) => ({ status, headers: new Headers(headers), contentType: "application/json", body });

describe("failureFromAnswer", () => {
  it("maps rate limits (429, and GitHub's 403 with an exhausted quota) to rate_limited with when to retry", () => {
    expect(failureFromAnswer(answer(429, {}, { "retry-after": "30" }), ctx)).toMatchObject({ code: "rate_limited", retryAfterSeconds: 30 });
    const reset = String(Math.floor(Date.now() / 1000) + 120);
    const primary = failureFromAnswer(answer(403, { message: "API rate limit exceeded" }, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset }), ctx);
    expect(primary.code).toBe("rate_limited");
    expect(primary.retryAfterSeconds).toBeGreaterThan(100);
  });

  it("maps denials to repository_permission_denied and a dead token to credential_needs_reauth", () => {
    expect(failureFromAnswer(answer(403, { message: "Resource not accessible by personal access token" }), ctx).code).toBe("repository_permission_denied");
    expect(failureFromAnswer(answer(404, { message: "Not Found" }), ctx).code).toBe("repository_permission_denied");
    expect(failureFromAnswer(answer(401, { message: "Bad credentials" }), ctx).code).toBe("credential_needs_reauth");
    expect(failureFromAnswer(answer(403, {}, { "x-github-sso": "required; url=https://github.example.com/orgs/acme/sso" }), ctx).code).toBe("sso_authorization_required");
    expect(failureFromAnswer(answer(502), ctx).code).toBe("provider_error");
  });

  it("passes on the provider's validation reasons, but never one that echoes the token", () => {
    const github = failureFromAnswer(answer(422, { message: "Validation Failed", errors: [{ resource: "PullRequest", field: "head", code: "invalid" }, { code: "custom", message: "A pull request already exists for acme:feature." }] }), ctx);
    expect(github).toMatchObject({ code: "validation_failed", fieldErrors: { head: ["is not valid"], provider: ["A pull request already exists for acme:feature."] } });
    const gitlab = failureFromAnswer(answer(400, { message: { title: ["can't be blank"] } }), ctx);
    expect(gitlab.fieldErrors).toEqual({ title: ["can't be blank"] });
    const echo = failureFromAnswer(answer(422, { message: `bad token ${ctx.token}` }), ctx);
    expect(JSON.stringify({ message: echo.message, fieldErrors: echo.fieldErrors })).not.toContain(ctx.token);
    expect(safeProviderText("too long ".repeat(60), "t")!.length).toBeLessThanOrEqual(201);
    expect(safeProviderText("x".repeat(500), "t")).toBeNull();
  });
});
