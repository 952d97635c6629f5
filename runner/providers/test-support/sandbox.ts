import { createHash, randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { expect } from "vitest";
import { getProvider, type ProviderId } from "@/lib/providers";
import type { OAuthAppDto, Sandbox } from "@/sandbox";
import { ProviderError } from "../provider-error";
import type { ClientEndpoints } from "../types";

/** The callback every sandbox OAuth app is registered with (nothing listens there: the code is read from the redirect). */
export const CALLBACK = "http://127.0.0.1:9/api/scm/oauth/callback/test";

/** The Azure DevOps organization the sandbox users belong to. */
export const AZURE_ORG = "contoso";

/**
 * The integration endpoints for a sandbox host, derived by `lib/providers` as the product does.
 * Two overrides, because the sandbox lays these out differently from what the registry derives
 * for a self-hosted host: Bitbucket's API is on its own host, and Azure DevOps' profile endpoint
 * (vssps) is on another.
 */
export function sandboxEndpoints(sandbox: Sandbox, provider: ProviderId, app?: OAuthAppDto): ClientEndpoints {
  const { urls } = sandbox;
  switch (provider) {
    case "github":
      return getProvider("github").endpoints({ host: new URL(urls.github.web).host, baseUrl: urls.github.web });
    case "gitlab":
      return getProvider("gitlab").endpoints({ host: new URL(urls.gitlab.web).host, baseUrl: urls.gitlab.web });
    case "bitbucket": {
      const derived = getProvider("bitbucket").endpoints({ host: new URL(urls.bitbucket.web).host, baseUrl: urls.bitbucket.web });
      return { ...derived, apiUrl: `${urls.bitbucket.api}/2.0`, userUrl: `${urls.bitbucket.api}/2.0/user` };
    }
    case "azure_devops": {
      const derived = getProvider("azure_devops").endpoints({
        host: new URL(urls.azure.web).host,
        baseUrl: urls.azure.web,
        virtualDirectory: AZURE_ORG,
        issuerUrl: `${urls.azure.entra}/${app?.tenant ?? "organizations"}/v2.0`,
      });
      return { ...derived, profileUrl: `${urls.azure.vssps}/_apis/profile/profiles/me?api-version=7.1` };
    }
  }
}

/** A PKCE S256 pair. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

/**
 * Drives the sandbox's authorize endpoint (auto-approve on) as a browser would and returns the
 * code from the redirect back to the callback, with its PKCE verifier.
 */
export async function authorizeCode(endpoints: ClientEndpoints, params: Record<string, string>): Promise<{ code: string; verifier: string }> {
  const pkce = pkcePair();
  const url = new URL(endpoints.authorizeUrl);
  const all = { redirect_uri: CALLBACK, response_type: "code", state: randomBytes(16).toString("hex"), code_challenge: pkce.challenge, code_challenge_method: "S256", ...params };
  for (const [key, value] of Object.entries(all)) url.searchParams.set(key, value);
  const answer = await fetch(url, { redirect: "manual" });
  expect(answer.status, await answer.clone().text()).toBe(302);
  const back = new URL(answer.headers.get("location") ?? "");
  expect(back.searchParams.get("state")).toBe(all.state);
  const code = back.searchParams.get("code");
  expect(code).toBeTruthy();
  return { code: code!, verifier: pkce.verifier };
}

/** A loopback URL where nothing listens (the port was bound and released). */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** Endpoints with every URL moved to another origin (an unreachable host). */
export function movedTo(endpoints: ClientEndpoints, origin: string): ClientEndpoints {
  const move = (value: string | null | undefined) => (value ? `${origin}${new URL(value).pathname}${new URL(value).search}` : value);
  return Object.fromEntries(Object.entries(endpoints).map(([key, value]) => [key, move(value as string | null)])) as ClientEndpoints;
}

/** A signal that never fires (the job has time). */
export function noDeadline(): AbortSignal {
  return new AbortController().signal;
}

/**
 * Awaits a rejection that must be a ProviderError with `code`, and checks that nothing it carries
 * (message, field errors, detail) contains any of `secrets`.
 */
export async function expectProviderError(promise: Promise<unknown>, code: string, secrets: string[] = []): Promise<ProviderError> {
  const error = await promise.then(
    () => {
      throw new Error(`expected ${code}, but the call succeeded`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  const providerError = error as ProviderError;
  expect({ code: providerError.code, message: providerError.message }).toMatchObject({ code });
  const visible = JSON.stringify({ message: providerError.message, fieldErrors: providerError.fieldErrors, detail: providerError.detail });
  for (const secret of secrets) expect(visible).not.toContain(secret);
  return providerError;
}
