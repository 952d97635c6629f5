import { sharedFailure } from "../providers/answer";
import { ssoRequired } from "../providers/github/sso";
import type { HttpAnswer } from "../providers/http";
import { ToolFailure } from "./tool-error";

/** What a failure message may say about the call that failed. */
export type FailureContext = {
  host: string;
  repository: string;
  /** The owner's token: nothing containing it is ever passed on. */
  token: string;
};

const MAX_DETAIL = 200;

/**
 * A provider's own wording (a validation message such as "A pull request already exists for
 * acme:feature.") kept only when it is short, printable and free of the token: a hostile or broken
 * host could echo what it was sent.
 */
export function safeProviderText(value: unknown, token: string): string | null {
  if (typeof value !== "string") return null;
  const text = value.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  if (!text || (token.length >= 4 && text.includes(token))) return null;
  // Anything token-shaped is not a validation message.
  if (/[A-Za-z0-9_-]{40,}/.test(text) && !/^[0-9a-f]{40}$/.test(text)) return null;
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}…` : text;
}

/** GitHub's `errors: [{ field, code, message }]` and GitLab's `message: { field: [..] }` as field errors. */
function providerFieldErrors(body: unknown, token: string): Record<string, string[]> | undefined {
  const out: Record<string, string[]> = {};
  const add = (field: unknown, message: unknown) => {
    const text = safeProviderText(message, token);
    const name = safeProviderText(field, token) ?? "provider";
    if (text) (out[name] ??= []).push(text);
  };
  const object = body && typeof body === "object" ? (body as Record<string, unknown>) : null;
  if (Array.isArray(object?.errors)) {
    for (const e of object.errors as unknown[]) {
      if (typeof e === "string") add("provider", e);
      else if (e && typeof e === "object") {
        const item = e as Record<string, unknown>;
        add(item.field, item.message ?? (item.code === "missing_field" ? "is missing" : item.code === "invalid" ? "is not valid" : item.code));
      }
    }
  }
  const message = object?.message;
  if (message && typeof message === "object") {
    for (const [field, messages] of Object.entries(message as Record<string, unknown>)) {
      for (const m of Array.isArray(messages) ? messages : [messages]) add(field, m);
    }
  } else if (Array.isArray(message)) {
    for (const m of message) add("provider", m);
  }
  // Bitbucket's `{"type":"error","error":{"message":"Bad request","fields":{"source":["..."]}}}`.
  const fields = bitbucketError(object)?.fields;
  if (fields && typeof fields === "object" && !Array.isArray(fields)) {
    for (const [field, messages] of Object.entries(fields as Record<string, unknown>)) {
      for (const m of Array.isArray(messages) ? messages : [messages]) add(field, m);
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Bitbucket's error object (`{"type":"error","error":{...}}`), or null. */
function bitbucketError(object: Record<string, unknown> | null): Record<string, unknown> | null {
  const error = object?.type === "error" ? object.error : null;
  return error && typeof error === "object" && !Array.isArray(error) ? (error as Record<string, unknown>) : null;
}

function topMessage(body: unknown, token: string): string | null {
  const object = body && typeof body === "object" ? (body as Record<string, unknown>) : null;
  return safeProviderText(object?.message, token) ?? safeProviderText(object?.error, token) ?? safeProviderText(bitbucketError(object)?.message, token) ?? safeProviderText(body, token);
}

/**
 * Reads a provider's refusal. Rate limits first (GitHub sends them as 403), then: 401 the token no
 * longer works; 403/404 the owner's account lacks the permission (providers answer 404 for what a
 * token may not see, so the two cannot be told apart); 400/409/422 the request was not acceptable,
 * with the provider's own reasons passed on so the agent can correct itself; 5xx the provider failed.
 */
export function failureFromAnswer(answer: HttpAnswer, ctx: FailureContext): ToolFailure {
  const shared = sharedFailure(answer);
  if (shared?.kind === "rate_limited") {
    const wait = shared.retryAfterSeconds;
    const when = wait === undefined ? "later" : `in ${wait} seconds`;
    return new ToolFailure("rate_limited", `${ctx.host} is rate-limiting the environment owner's account: try again ${when}. Nothing was done.`, {
      retryAfterSeconds: wait ?? 60,
    });
  }
  if (answer.status === 401) {
    return new ToolFailure("credential_needs_reauth", `${ctx.host} no longer accepts the environment owner's token (expired or revoked).`);
  }
  if (ssoRequired(answer)) {
    return new ToolFailure("sso_authorization_required", `The organization owning ${ctx.repository} enforces SAML single sign-on, and the owner's token is not authorized for it.`);
  }
  if (answer.status === 403 || answer.status === 404) {
    return new ToolFailure(
      "repository_permission_denied",
      `${ctx.host} refused: the environment owner's account cannot do this in ${ctx.repository} (the repository, or the item named, does not exist or is not accessible to it, or it lacks write access).`,
    );
  }
  if (answer.status === 400 || answer.status === 409 || answer.status === 422) {
    const reason = topMessage(answer.body, ctx.token);
    return new ToolFailure("validation_failed", `${ctx.host} did not accept the request${reason ? `: ${reason}` : "."}`, {
      fieldErrors: providerFieldErrors(answer.body, ctx.token),
    });
  }
  if (shared?.kind === "server_error") return new ToolFailure("provider_error", `${ctx.host} answered with a server error (HTTP ${answer.status}). Try again in a few minutes.`);
  return new ToolFailure("provider_error", `${ctx.host} answered HTTP ${answer.status}.`);
}

/** No answer at all: DNS, refused, reset, TLS, or the per-request timeout. */
export function unreachable(host: string, timedOut: boolean): ToolFailure {
  return new ToolFailure("host_unreachable", timedOut ? `${host} did not answer in time. Nothing is known to have been done.` : `The runner could not connect to ${host}.`);
}
