import { createHash, randomUUID } from "node:crypto";
import type { Ctx } from "../http/server";
import { bearerToken, parseBasicAuth } from "../oauth/common";
import type { SandboxStore } from "../store";
import { checkToken } from "../tokens";
import type { Permission, TokenRecord, User } from "../types";

/** The Azure DevOps resource (application) id every Entra token for Azure DevOps is issued to. */
export const AZURE_DEVOPS_RESOURCE = "499b84ac-1321-427f-aa17-267ca6975798";

export interface AzEnv {
  store: SandboxStore;
  home: string;
  /** dev.azure.com-style host: `/{org}/_apis/...` and `/{org}/{project}/_git/{repo}`. */
  webUrl: () => string;
  /** app.vssps.visualstudio.com-style host: profile and accounts. */
  vsspsUrl: () => string;
  /** login.microsoftonline.com-style host: Entra ID OAuth. */
  entraUrl: () => string;
}

export interface AzAuth {
  token: TokenRecord;
  user: User;
}

/** A GUID derived from a name, so projects and repositories keep their ids across requests. */
export function stableGuid(text: string): string {
  const hex = createHash("sha1").update(text).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The body Azure DevOps answers errors with (a serialized .NET exception). */
export function vssError(ctx: Ctx, status: number, message: string, typeKey: string, headers: Record<string, string> = {}): void {
  ctx.json(
    status,
    {
      $id: "1",
      innerException: null,
      message,
      typeName: `Microsoft.VisualStudio.Services.WebApi.${typeKey}, Microsoft.VisualStudio.Services.WebApi`,
      typeKey,
      errorCode: 0,
      eventId: 3000,
    },
    { "ActivityId": randomUUID(), ...headers },
  );
}

/** The challenge Azure DevOps sends with a 401: Entra bearer first, then Basic for PATs. */
export function challengeHeaders(env: AzEnv): Record<string, string> {
  return {
    "WWW-Authenticate": `Bearer authorization_uri=${env.entraUrl()}/common, Basic realm="${env.webUrl()}/", TFS-Federated`,
    "X-TFS-FedAuthRealm": env.webUrl(),
    "X-VSS-ResourceTenant": "00000000-0000-0000-0000-000000000000",
  };
}

/**
 * What Azure DevOps answers a REST call carrying Basic credentials it does not accept (an
 * unknown, revoked or expired PAT): not a 401 but 203 Non-Authoritative Information with the
 * HTML sign-in page, a long-standing behaviour clients have to detect.
 */
export function signInPage(ctx: Ctx, env: AzEnv): void {
  const signIn = `${env.entraUrl()}/common/oauth2/v2.0/authorize?client_id=${AZURE_DEVOPS_RESOURCE}`;
  ctx.html(
    203,
    `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Azure DevOps Services | Sign In</title></head>
<body>
<h1>Sign in</h1>
<p>You need to sign in to access Azure DevOps.</p>
<p><a href="${signIn}">Sign in with your Microsoft account</a></p>
</body>
</html>`,
    { "X-VSS-UserData": "", "X-TFS-ProcessId": randomUUID() },
  );
}

/**
 * Authenticates a REST request: Basic with any user name and a PAT (or an Entra access token) as
 * the password, or `Bearer <Entra access token>`. `org` is the organization in the path (null on
 * the vssps host, where only tokens valid for all organizations work). Answers itself and returns
 * null on failure.
 */
export function authenticate(ctx: Ctx, env: AzEnv, org: string | null): AzAuth | null {
  const header = ctx.req.headers.authorization;
  const basic = parseBasicAuth(header);
  const bearer = basic ? null : bearerToken(header);
  if (!basic && !bearer) {
    vssError(ctx, 401, "TF400813: Resource not available for anonymous access. Client authentication required.", "UnauthorizedRequestException", challengeHeaders(env));
    return null;
  }
  const value = basic?.password ?? bearer ?? "";
  const check = checkToken(env.store, "azure-devops", value, { forceExpired: ctx.expireTokens });
  if (!check.ok) {
    if (basic) signInPage(ctx, env);
    else vssError(ctx, 401, "VS30063: You are not authorized to access " + env.webUrl() + ".", "UnauthorizedRequestException", challengeHeaders(env));
    return null;
  }
  if (bearer && check.token.kind !== "oauth") {
    // A PAT is only accepted through Basic authentication.
    vssError(ctx, 401, "VS30063: You are not authorized to access " + env.webUrl() + ".", "UnauthorizedRequestException", challengeHeaders(env));
    return null;
  }
  const scoped = check.token.organizations;
  const outOfScope = scoped ? org === null || !scoped.some((o) => o.toLowerCase() === org.toLowerCase()) : false;
  const notMember = org !== null && !check.user.organizations.some((o) => o.toLowerCase() === org.toLowerCase());
  if (outOfScope || notMember) {
    vssError(ctx, 401, `TF400813: The user '${check.user.uuid}' is not authorized to access this resource.`, "UnauthorizedRequestException", challengeHeaders(env));
    return null;
  }
  return { token: check.token, user: check.user };
}

const WRITE_SCOPES = ["app_token", "vso.code_write", "vso.code_manage", "vso.code_full", "user_impersonation", ".default"];
const READ_SCOPES = [...WRITE_SCOPES, "vso.code"];

/** What a token's scopes allow on repositories: PAT scopes (`vso.code`...) or Entra scopes. */
export function codeCapability(token: TokenRecord): Permission | null {
  const names = token.scopes.map((scope) => scope.split("/").pop() ?? scope);
  if (names.some((scope) => WRITE_SCOPES.includes(scope))) return "write";
  if (names.some((scope) => READ_SCOPES.includes(scope))) return "read";
  return null;
}

/** The identity block of `connectionData` (`authenticatedUser` / `authorizedUser`). */
export function identity(user: User): Record<string, unknown> {
  return {
    id: user.uuid,
    descriptor: `Microsoft.IdentityModel.Claims.ClaimsIdentity;${AZURE_DEVOPS_RESOURCE}\\${user.email}`,
    subjectDescriptor: `aad.${Buffer.from(user.uuid).toString("base64url")}`,
    providerDisplayName: user.name,
    isActive: true,
    properties: { Account: { $type: "System.String", $value: user.email } },
    resourceVersion: 2,
    metaTypeId: 0,
  };
}
