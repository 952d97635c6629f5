import { createHash, randomBytes } from "node:crypto";
import type { OAuthAppDto } from "../../index";

export interface Pkce {
  verifier: string;
  challenge: string;
}

/** A PKCE S256 pair (RFC 7636). */
export function pkce(): Pkce {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

/** Builds an authorize URL with the given parameters. */
export function authorizeUrl(app: OAuthAppDto, params: Record<string, string>): string {
  const url = new URL(app.authorizeUrl);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}

/** Reads the consent form out of the authorize page, as a browser would see it. */
export function parseConsentForm(html: string): { action: string; requestId: string; buttons: string[] } {
  const action = /<form method="post" action="([^"]+)">/.exec(html)?.[1];
  const requestId = /name="request_id" value="([^"]+)"/.exec(html)?.[1];
  const buttons = [...html.matchAll(/<button[^>]*>([^<]+)<\/button>/g)].map((m) => m[1] ?? "");
  if (!action || !requestId) throw new Error("no consent form on the page");
  return { action: action.replace(/&amp;/g, "&"), requestId, buttons };
}

/**
 * Follows an authorize request to the redirect back to the client: straight through when
 * auto-approve is on, otherwise by submitting the consent form with `decision`.
 */
export async function authorize(url: string, decision: "approve" | "deny" = "approve"): Promise<URL> {
  const first = await fetch(url, { redirect: "manual" });
  if (first.status === 302) return new URL(first.headers.get("location") ?? "");
  if (first.status !== 200) throw new Error(`authorize answered ${first.status}: ${await first.text()}`);
  const form = parseConsentForm(await first.text());
  const submitted = await fetch(new URL(form.action, url), {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ request_id: form.requestId, decision }).toString(),
  });
  if (submitted.status !== 302) throw new Error(`consent answered ${submitted.status}`);
  return new URL(submitted.headers.get("location") ?? "");
}

/** POSTs a form to a token endpoint and returns status and JSON body. */
export async function postForm(
  url: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json", ...headers },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** HTTP Basic credentials. */
export function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
}
