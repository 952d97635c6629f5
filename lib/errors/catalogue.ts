import type { ErrorDescription, ErrorDescriptions } from "./error-description";
import { internalError } from "./internal-error";
import { operationAborted } from "./operation-aborted";
import { validationFailed } from "./validation-failed";

/**
 * The one catalogue of typed errors. Actions, route handlers, the runner API, the UI and the
 * diagnostics pages all speak these codes; a raw exception message never reaches a user.
 * Each entry says what a person sees: a title, what happened, and what to do about it.
 */
export type ErrorEntry = {
  status: number;
  title: string;
  explanation: string;
  remedy: string;
};

export const errorCatalogue = {
  /** The request body or form fields did not pass validation. */
  validation_failed: validationFailed,
  /** The input was larger than any legitimate request. */
  payload_too_large: {
    status: 413,
    title: "Input too large",
    explanation: "The submitted data is larger than this form accepts.",
    remedy: "Shorten the input and try again.",
  },
  /** No valid session: signed out, expired, or the user was disabled or removed. */
  unauthenticated: {
    status: 401,
    title: "Sign-in required",
    explanation: "Your session has ended or you are not signed in.",
    remedy: "Sign in again.",
  },
  /** Signed in, but the role does not allow this. */
  forbidden: {
    status: 403,
    title: "Not allowed",
    explanation: "Your role in this organization does not allow this page or action.",
    remedy: "Ask an organization admin if you need access.",
  },
  /** A POST to a server action came from another site. */
  cross_site_request: {
    status: 403,
    title: "Request refused",
    explanation: "The request came from another site, so it was refused to protect your account.",
    remedy: "Open the page in this app and submit the form from there.",
  },
  /** The id does not exist in the actor's organization (another org's ids look the same). */
  not_found: {
    status: 404,
    title: "Not found",
    explanation: "The item does not exist or is not in your organization.",
    remedy: "Reload the page; it may have been removed.",
  },
  /** Wrong email or password; deliberately does not say which. */
  invalid_credentials: {
    status: 401,
    title: "Sign-in failed",
    explanation: "The email or password is not correct.",
    remedy: "Check both and try again, or ask an admin to send you a new invitation.",
  },
  /** The account exists but an admin disabled it. */
  user_disabled: {
    status: 403,
    title: "Account disabled",
    explanation: "An admin has disabled this account.",
    remedy: "Ask an organization admin to enable it.",
  },
  /** First-run setup was already completed. */
  setup_already_done: {
    status: 409,
    title: "Setup already completed",
    explanation: "This installation already has an organization and an admin.",
    remedy: "Sign in instead, or ask an existing admin to add you.",
  },
  /** The email address is already used by another account. */
  email_taken: {
    status: 409,
    title: "Email already in use",
    explanation: "Another account already uses this email address.",
    remedy: "Use a different email address, or change the existing member instead.",
  },
  /** A group with this name already exists in the organization. */
  group_name_taken: {
    status: 409,
    title: "Group name already in use",
    explanation: "Another group in this organization has the same name.",
    remedy: "Choose a different name.",
  },
  /** The change would leave the organization without an active admin. */
  last_admin: {
    status: 409,
    title: "An admin is required",
    explanation: "This change would leave the organization without an active admin.",
    remedy: "Make another member an admin first.",
  },
  /** The invitation link is unknown, already used, or expired. */
  invitation_invalid: {
    status: 410,
    title: "Invitation no longer valid",
    explanation: "This invitation link was already used, was replaced by a newer one, or has expired.",
    remedy: "Ask an admin to send you a new invitation link.",
  },
  /** Changing one's password: the current password given is not the account's. */
  current_password_incorrect: {
    status: 400,
    title: "Current password is not correct",
    explanation: "The password you entered as your current password does not match your account, so nothing was changed.",
    remedy: "Type your current password again; if you have forgotten it, sign out and ask an admin for a password reset link.",
  },
  /** The account signs in through single sign-on and has no password here to change. */
  password_managed_by_sso: {
    status: 409,
    title: "Password managed by your identity provider",
    explanation: "You sign in with single sign-on, so this app holds no password for you.",
    remedy: "Change your password at your identity provider.",
  },
  /** The password reset link is not one this server issued (mistyped or cut off). */
  reset_link_invalid: {
    status: 404,
    title: "Password reset link not recognised",
    explanation: "This password reset link is not known here; it may be incomplete or mistyped.",
    remedy: "Copy the whole link again, or ask an admin for a new password reset link.",
  },
  /** The password reset link was already used once (links are single use). */
  reset_link_used: {
    status: 410,
    title: "Password reset link already used",
    explanation: "This password reset link was already used to set a password; each link works once.",
    remedy: "Sign in with the password that was set, or ask an admin for a new password reset link.",
  },
  /** The password reset link's validity (24 hours) has passed, or a newer link replaced it. */
  reset_link_expired: {
    status: 410,
    title: "Password reset link expired",
    explanation: "This password reset link has expired or was replaced by a newer one.",
    remedy: "Ask an admin for a new password reset link.",
  },
  /** Too many attempts in a short time. */
  rate_limited: {
    status: 429,
    title: "Too many attempts",
    explanation: "Too many requests were made in a short time.",
    remedy: "Wait a few minutes and try again (sign-in limits count failed attempts over 15 minutes). A correct password from a device that has not failed recently still works.",
  },
  /** Single sign-on rejected the account (not provisioned here, or its email is not verified). */
  sso_account_not_allowed: {
    status: 403,
    title: "Single sign-on account not allowed",
    explanation: "Your identity provider signed you in, but this account is not a member of the organization.",
    remedy: "Ask an admin to add your email address as a member, then sign in again.",
  },
  /** The OAuth `state` is unknown, expired, used, or belongs to another user or integration. */
  oauth_state_invalid: {
    status: 400,
    title: "Authorization link expired or not yours",
    explanation: "The authorization could not be matched to a request you started in the last 10 minutes (it was already used, expired, or started by another account or for another integration).",
    remedy: "Start the connection again from Settings > Git Authentications.",
  },
  /** The person declined the authorization at the provider. */
  oauth_access_denied: {
    status: 400,
    title: "Authorization declined",
    explanation: "The provider reports that access was not granted.",
    remedy: "Connect again and choose Authorize at the provider.",
  },
  /** The provider refused the callback URL: the OAuth app is registered with another one. */
  redirect_uri_mismatch: {
    status: 400,
    title: "Callback URL not registered at the provider",
    explanation: "The provider refused the callback URL because the OAuth application is registered with a different one.",
    remedy: "An admin must set the OAuth application's callback URL to the exact URL shown in Settings > Runners for this integration.",
  },
  /** The provider answered the authorization with another OAuth error. */
  oauth_provider_error: {
    status: 400,
    title: "The provider refused the authorization",
    explanation: "The provider ended the authorization with an error.",
    remedy: "Try again; if it persists, an admin should check the OAuth application's settings at the provider.",
  },
  /** The method (OAuth or PAT) is not enabled for this integration. */
  auth_method_disabled: {
    status: 403,
    title: "This sign-in method is not enabled",
    explanation: "An admin has not enabled this authentication method for this provider host.",
    remedy: "Use another method offered on the page, or ask an admin to enable this one in Settings > Runners.",
  },
  /** The provider does not accept the personal access token. */
  pat_invalid: {
    status: 400,
    title: "Token not accepted",
    explanation: "The provider did not accept this token: it is wrong, was revoked, or belongs to another host.",
    remedy: "Create a new token with the link on the form and paste it in full.",
  },
  /** The token has expired. */
  pat_expired: {
    status: 400,
    title: "Token expired",
    explanation: "The provider reports that this token has expired.",
    remedy: "Create a new token (or regenerate this one) and connect again.",
  },
  /** The token lacks scopes the product needs. */
  pat_missing_scopes: {
    status: 400,
    title: "Token is missing scopes",
    explanation: "The token works, but it lacks permissions needed to clone, push or act for you.",
    remedy: "Create a token with the scopes listed (the link on the form prefills them) and connect again.",
  },
  /** The organization enforces SAML SSO and the token is not authorized for it. */
  sso_authorization_required: {
    status: 403,
    title: "Single sign-on authorization required",
    explanation: "The organization on the provider uses SAML single sign-on, and this token has not been authorized for it.",
    remedy: "At the provider, open the token's settings and choose Configure SSO > Authorize for the organization, then try again.",
  },
  /** A credential type the product does not use (Bitbucket app passwords, Azure DevOps all-organization PATs). */
  unsupported_credential_type: {
    status: 400,
    title: "This kind of credential is not supported",
    explanation: "The credential works, but it is of a kind this product does not accept (Bitbucket app passwords are retired in favour of API tokens; Azure DevOps tokens must be scoped to one organization).",
    remedy: "Create the kind of token the form links to and connect again.",
  },
  /** The user's credential for this host is expired, revoked or sealed to an old runner key. */
  credential_needs_reauth: {
    status: 409,
    title: "Reconnect your account",
    explanation: "Your connection to this provider no longer works: the token expired or was revoked, the admin changed the sign-in methods, or the runner's key was rotated.",
    remedy: "Reconnect in Settings > Git Authentications, or with Reconnect on the environment's page; the environment keeps working once you have, nothing is recreated.",
  },
  /** The user has no credential for the repository's host on this runner. */
  not_authorized_for_host: {
    status: 409,
    title: "Connect your account first",
    explanation: "You have not connected an account for this provider host on this runner yet.",
    remedy: "Connect with one of the methods offered, then continue.",
  },
  /** The repository URL is malformed, has credentials in it, or is not an HTTPS clone URL. */
  repo_url_invalid: {
    status: 400,
    title: "Repository URL not accepted",
    explanation: "Enter the repository's HTTPS address, without credentials, e.g. https://github.com/acme/app.",
    remedy: "Copy the HTTPS clone URL from the provider and paste it without a user name or token.",
  },
  /** No integration on the runner for the repository's host. */
  no_integration_for_host: {
    status: 400,
    title: "This runner does not offer that host",
    explanation: "The chosen runner has no integration for the repository's host.",
    remedy: "Choose another runner, or ask an admin to configure repository access for this host.",
  },
  /** The repository does not exist or the owner's account cannot read it. */
  repository_not_found: {
    status: 404,
    title: "Repository not found or not accessible",
    explanation: "The provider says the repository does not exist, or your connected account cannot read it.",
    remedy: "Check the URL, and that your account on the provider has access to the repository.",
  },
  /** A refreshed credential was saved over a generation that another refresh already replaced. */
  credential_generation_conflict: {
    status: 409,
    title: "Credential was refreshed concurrently",
    explanation: "Another refresh of the same credential finished first.",
    remedy: "Nothing to do: the runner uses the newer credential.",
  },
  /** The organization switched agents' SCM tools off. */
  scm_tools_disabled: {
    status: 403,
    title: "Agent SCM tools are disabled",
    explanation: "Your organization has turned off agents' use of the provider's API. Agents can still clone, commit and push with git.",
    remedy: "Ask an admin to enable SCM tools in Settings > Agents if your work needs them.",
  },
  /** The policy restricts SCM tools to groups the owner is not in, or the capability is off. */
  scm_tools_not_allowed: {
    status: 403,
    title: "Agent SCM tool not allowed",
    explanation: "The organization's policy does not allow this tool for this environment's owner (restricted to certain groups, or this capability is turned off).",
    remedy: "Ask an admin to add you to an allowed group or enable this capability in Settings > Agents.",
  },
  /** The provider has no agent tools (Bitbucket Cloud, Azure DevOps). */
  scm_tools_not_supported: {
    status: 400,
    title: "Not supported for this provider",
    explanation: "This provider has no agent SCM tools (pull requests, issues, reviews) in this version. Git itself (clone, commit, push) keeps working.",
    remedy: "Open the pull request or issue in the provider's web interface.",
  },
  /** The provider refused the call for lack of repository permission. */
  repository_permission_denied: {
    status: 403,
    title: "Repository permission denied",
    explanation: "The provider refused the call: the environment owner's account does not have the permission this needs on the repository.",
    remedy: "Ask a maintainer of the repository for the needed access, or use a repository you can write to.",
  },
  /** The agent tools token is missing, wrong, or of another environment. */
  environment_token_invalid: {
    status: 401,
    title: "Environment token not valid",
    explanation: "The tool call did not carry this environment's agent token.",
    remedy: "Use the token the runner gave this environment's agent; tokens of other environments do not work.",
  },
  /** The repository named is on another host than the environment's. */
  repository_host_mismatch: {
    status: 400,
    title: "Repository on another host",
    explanation: "Agent tools act only on the environment's own provider host.",
    remedy: "Name a repository on the environment's host, or create an environment for the other host.",
  },
  /** The host field is not an acceptable provider host (scheme, path, credentials, SSRF bait). */
  host_invalid: {
    status: 400,
    title: "Host not accepted",
    explanation:
      "The host must be a DNS name or IP address (optionally with a port) served over HTTPS, without a path or credentials. Link-local, cloud metadata and unspecified addresses are refused; private network addresses only when the integration says the host is on a private network; loopback hosts only on a plane that allows the provider sandbox.",
    remedy: "Enter just the host name, for example github.example.com or gitlab.example.com:8443.",
  },
  /** The runner resolved the host to an address it never connects to on a provider's behalf. */
  host_address_refused: {
    status: 400,
    title: "Host address refused",
    explanation:
      "The host resolves to an address the runner does not connect to: link-local and cloud metadata addresses always, loopback outside the provider sandbox, and private network addresses unless the integration says the host is on a private network.",
    remedy: "Check the host name and its DNS records. For a provider inside your network, edit the integration and tick \"This host is on a private network\".",
  },
  /** A runner already has an integration for this host. */
  host_taken: {
    status: 409,
    title: "Host already configured",
    explanation: "This runner already has an integration for this host; each host is configured once per runner.",
    remedy: "Edit the existing integration instead.",
  },
  /** A runner with this name already exists. */
  runner_name_taken: {
    status: 409,
    title: "Runner name already in use",
    explanation: "Another runner in this organization has the same name.",
    remedy: "Choose a different name.",
  },
  /** The registration token is unknown, expired, already used or rotated. */
  registration_token_invalid: {
    status: 401,
    title: "Registration token not valid",
    explanation: "The registration token is unknown, has expired (tokens last 24 hours), was already used, or was replaced by a newer one.",
    remedy: "In Settings > Runners, rotate the runner's registration token and register again with the new one.",
  },
  /** The environment's owner is disabled or no longer a member: its git and agent access is suspended. */
  environment_owner_disabled: {
    status: 403,
    title: "Environment owner disabled",
    explanation: "The person who owns this environment is disabled or no longer a member of the organization, so the environment cannot use their Git credentials or call the provider's API for them.",
    remedy: "An organization admin can re-enable the owner in Settings > Members; access returns at the next request. Otherwise delete the environment.",
  },
  /** The environment is being deleted or was deleted: nothing may use its credentials any more. */
  environment_deleted: {
    status: 410,
    title: "Environment deleted",
    explanation: "This environment was deleted, so its clone, its Git credential access and its agent tools are gone.",
    remedy: "Create a new environment for the repository.",
  },
  /** A process in one environment asked the runner for another environment's credentials. */
  environment_access_refused: {
    status: 403,
    title: "Request refused",
    explanation: "A process in an environment asked the runner for credentials that are not this environment's. Nothing was handed out, and the attempt was recorded as a security event.",
    remedy: "Use only the environment's own Git remote and agent tools. If you did not expect this, look for unexpected code in the repository or its build scripts.",
  },
  /** An unisolated runner already hosts another person's environments and shared use is off. */
  runner_not_isolated: {
    status: 409,
    title: "This runner is not isolated",
    explanation: "This runner runs every environment as one OS user, so environments on it could read each other's credentials. It already hosts another person's environments, so it is kept to that person.",
    remedy: "Choose another runner, ask an admin to run this one as root (an OS user per environment), or ask an admin to allow shared use of it in Settings > Runners.",
  },
  /** The runner artifact download, from a plane started without its build (`npm run build`). */
  runner_artifact_unavailable: {
    status: 503,
    title: "No runner artifact on this server",
    explanation: "This management plane was started without the runner artifact its build makes (dist/runner), so it has no runner to hand out.",
    remedy: "Start it with `npm start` or from the plane image (both include the artifact), or run `npm run build` and restart it.",
  },
  /** A runner API call with a missing, wrong or revoked runner access token. */
  runner_token_invalid: {
    status: 401,
    title: "Runner not authorized",
    explanation: "The runner's access token is missing, unknown, or was revoked (the runner was deleted or re-registered elsewhere).",
    remedy: "Register the runner again with a new registration token.",
  },
  /** The runner has not registered yet, so nothing can be sealed to it. */
  runner_not_registered: {
    status: 409,
    title: "Runner not registered yet",
    explanation: "This runner has no public key yet, so secrets cannot be sealed to it.",
    remedy: "Register the runner with its registration token first, then configure repository access.",
  },
  /** A sealed secret is malformed or sealed to a key the runner no longer has. */
  sealed_secret_invalid: {
    status: 400,
    title: "Secret could not be sealed for this runner",
    explanation: "The secret was not sealed to the runner's current key (the runner may have been re-registered while the form was open), or the data is malformed.",
    remedy: "Reload the page and enter the secret again.",
  },
  /** A job result from a runner that no longer holds the job (it timed out and was handed out again). */
  job_not_claimed: {
    status: 409,
    title: "Job no longer held",
    explanation: "This runner's claim on the job expired, so its result was not accepted.",
    remedy: "Nothing to do: the job is retried or has already finished.",
  },
  /** The provider host could not be reached from the runner (DNS, connection, TLS, timeout). */
  host_unreachable: {
    status: 502,
    title: "Host unreachable",
    explanation: "The runner could not connect to the provider host: the name does not resolve, the connection was refused or timed out, or TLS failed.",
    remedy: "Check the host name and that the runner's network can reach it (proxy, firewall, VPN).",
  },
  /** The host answers but not with the provider's API. */
  api_unexpected_response: {
    status: 502,
    title: "Not the expected provider API",
    explanation: "The host answered, but not like the selected provider's API (wrong provider, wrong path, or a proxy page).",
    remedy: "Check that the provider type and host are right; for Azure DevOps Server include the virtual directory.",
  },
  /** The token endpoint refused the OAuth client id or secret. */
  oauth_client_invalid: {
    status: 400,
    title: "OAuth client credentials refused",
    explanation: "The provider's token endpoint did not accept this client id and secret.",
    remedy: "Copy the client id and a fresh client secret from the OAuth application at the provider and save them again.",
  },
  /** The provider answered with an error the runner could not map more precisely. */
  provider_error: {
    status: 502,
    title: "The provider returned an error",
    explanation: "The provider answered with an unexpected error status.",
    remedy: "Retry in a few minutes; if it persists, check the provider's status page and the details in Diagnostics.",
  },
  /** The runner did not answer in time (offline, or it cannot reach this server). */
  runner_offline: {
    status: 503,
    title: "Runner offline",
    explanation: "The runner that handles this did not respond; it may be stopped or unable to reach this server.",
    remedy: "Check that the runner process is running and can reach this server, then retry.",
  },
  /** The known "Failed to create provider - Aborted: operation cancelled". */
  operation_aborted: operationAborted,
  /** Something unexpected failed; details are in the server log under the correlation id. */
  internal_error: internalError,
  /** The plane sent a job kind this runner's version does not implement. */
  runner_job_unsupported: {
    status: 501,
    title: "Runner too old for this operation",
    explanation: "The runner does not know how to do this operation; it runs an older version than the management plane.",
    remedy: "Update the runner to the management plane's version and restart it, then retry.",
  },
  // Agent tools: answers written for the model calling the tool (what failed, whether anything was
  // done, what to do next), not for a person at a form.
  /** The MCP client cancelled a tool call while it ran (not the PAT validation's `operation_aborted`). */
  operation_cancelled: {
    status: 499,
    title: "Tool call cancelled by the client",
    explanation: "The call was cancelled by the client before it finished; the provider may or may not have received it.",
    remedy: "Check whether the change exists (read or list it) before retrying a write; a read can simply be called again.",
  },
  /** The pull request, merge request or issue number named in a tool call does not exist in the repository. */
  /** The repository has the feature a tool needs switched off at the provider (Bitbucket's issue tracker). */
  scm_feature_disabled: {
    status: 409,
    title: "Switched off in the repository",
    explanation: "The repository has the feature this tool works with (for example its issue tracker) switched off at the provider, so there is nothing to read or change. Nothing was done.",
    remedy: "Ask a repository admin to turn it on in the repository's settings at the provider; pull requests work either way.",
  },
  scm_item_not_found: {
    status: 404,
    title: "No such pull request or issue",
    explanation: "The repository is readable, but it has no pull request (GitLab: merge request) or issue with this number. Nothing was changed.",
    remedy: "Find the right number with list_pull_requests or list_issues, then call the tool again with it.",
  },
} as const satisfies Record<string, ErrorEntry>;

export type ErrorCode = keyof typeof errorCatalogue;

/** Every code, in catalogue order (used by the docs page and tests). */
export const errorCodes = Object.keys(errorCatalogue) as ErrorCode[];

/** Looks up a code's entry. */
export function describeError(code: ErrorCode): ErrorEntry {
  return errorCatalogue[code];
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.hasOwn(errorCatalogue, value);
}

/**
 * A code as the client shows it: unknown codes become `internal_error`. Server code calls this
 * and passes the result to client components (action results, status JSON, props).
 */
export function describeCode(code: string): { code: ErrorCode; entry: ErrorDescription } {
  const known = isErrorCode(code) ? code : "internal_error";
  const { title, explanation, remedy } = errorCatalogue[known];
  return { code: known, entry: { title, explanation, remedy } };
}

/** The descriptions of every code given (unknown ones under their own key as `internal_error`). */
export function describeCodes(codes: Iterable<string | null | undefined>): ErrorDescriptions {
  const out: ErrorDescriptions = {};
  for (const code of codes) if (code) out[code] = describeCode(code).entry;
  return out;
}
