/**
 * The OAuth callback URL of one integration: built from the configured public base URL and the
 * integration id, never from request headers (a forged Host header must not redirect codes).
 */
export function oauthCallbackUrl(publicBaseUrl: string, integrationId: string): string {
  return `${publicBaseUrl.replace(/\/+$/, "")}/api/scm/oauth/callback/${integrationId}`;
}
