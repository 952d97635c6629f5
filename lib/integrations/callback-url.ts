/**
 * The OAuth redirect URI an admin registers at the provider for one integration. Built from the
 * configured public base URL, never from request headers, so a forged Host cannot redirect codes.
 * The one definition: Settings > Runners shows it, and the authorize request and the runner's code
 * exchange send it, so what the admin registers is always what the provider receives.
 */
export function oauthCallbackUrl(publicBaseUrl: string, integrationId: string): string {
  return `${publicBaseUrl.replace(/\/+$/, "")}/api/scm/oauth/callback/${integrationId}`;
}
