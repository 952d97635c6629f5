/**
 * Whether an OpenID Connect profile's email counts as verified. Only an explicit
 * `email_verified: true` does (some providers send the string "true"); a missing claim counts as
 * unverified, because an identity provider that lets users type any email would otherwise sign
 * them in as whoever owns it. `trustUnverified` (OIDC_TRUST_UNVERIFIED_EMAILS) is for providers
 * that only issue verified emails and never send the claim.
 */
export function ssoEmailVerified(profile: { email_verified?: unknown } | null | undefined, trustUnverified: boolean): boolean {
  const claim = profile?.email_verified;
  if (claim === true || claim === "true") return true;
  return trustUnverified && claim === undefined;
}
