/**
 * GitHub's SAML single sign-on refusal: a 403 with `X-GitHub-SSO: required; url=...`, sent when an
 * organization enforces SSO and the token is not authorized for it. Read the same way for PAT
 * validation and the agent tools.
 */
export function ssoRequired(answer: { status: number; headers: Headers }): boolean {
  const sso = answer.headers.get("x-github-sso");
  return answer.status === 403 && !!sso && /^required\b/i.test(sso.trim());
}

/** The SAML authorization page from `X-GitHub-SSO: required; url=...`, when it is on the integration's host. */
export function ssoUrl(headers: Headers, webUrl: string): string | undefined {
  const raw = /url=(\S+)/.exec(headers.get("x-github-sso") ?? "")?.[1];
  try {
    return raw && new URL(raw).origin === new URL(webUrl).origin ? raw : undefined;
  } catch {
    return undefined;
  }
}
