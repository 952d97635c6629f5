import { describe, expect, it } from "vitest";
import { failureFromAnswer } from "./provider-failure";

const ctx = { host: "bitbucket.example.com", repository: "acme/app", token: "bb-oauth-secretsecretsecret0123" };
const answer = (status: number, body: unknown) => ({ status, headers: new Headers(), contentType: "application/json", body });

describe("failureFromAnswer on Bitbucket's error object", () => {
  it("passes on the message and the per-field reasons of a 400", () => {
    const failure = failureFromAnswer(answer(400, { type: "error", error: { message: "Bad request", fields: { source: ["Branch not found: topic"], title: "This field is required." } } }), ctx);
    expect(failure).toMatchObject({ code: "validation_failed", fieldErrors: { source: ["Branch not found: topic"], title: ["This field is required."] } });
    expect(failure.message).toBe("bitbucket.example.com did not accept the request: Bad request");
    const plain = failureFromAnswer(answer(400, { type: "error", error: { message: "There is already an open pull request from topic to main." } }), ctx);
    expect(plain.message).toContain("There is already an open pull request from topic to main.");
  });

  it("never passes on a message that echoes the token", () => {
    const failure = failureFromAnswer(answer(409, { type: "error", error: { message: `token ${ctx.token} refused`, fields: { x: [ctx.token] } } }), ctx);
    expect(JSON.stringify({ message: failure.message, fieldErrors: failure.fieldErrors })).not.toContain(ctx.token);
  });

  it("reads Bitbucket's 403 and 404 as a permission refusal", () => {
    expect(failureFromAnswer(answer(403, { type: "error", error: { message: "Forbidden" } }), ctx).code).toBe("repository_permission_denied");
    expect(failureFromAnswer(answer(404, { type: "error", error: { message: "Resource not found" } }), ctx).code).toBe("repository_permission_denied");
  });
});
