import NextAuth, { CredentialsSignin, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { getDb } from "@/db/client";
import { getEnv } from "../env";
import { isAppError } from "../errors/app-error";
import type { ErrorCode } from "../errors/catalogue";
import { log } from "../log/logger";
import { resolveSsoUser } from "../users/resolve-sso-user";
import { ssoEmailVerified } from "../users/sso-email-verified";
import { signInSchema } from "../users/schemas";
import { verifySignIn, type SessionClaims } from "../users/verify-sign-in";
import { clientAddressFromHeaders } from "./client-address";
import { getAuthSecret } from "./secret";

/** A credentials failure carrying our catalogue code (it travels in next-auth's `code`). */
class TypedSignInError extends CredentialsSignin {
  constructor(code: ErrorCode) {
    super();
    this.code = code;
  }
}

type ClaimsCarrier = { claims?: SessionClaims };

function buildConfig(): NextAuthConfig {
  const env = getEnv();
  const providers: NextAuthConfig["providers"] = [
    Credentials({
      id: "credentials",
      credentials: { email: {}, password: {} },
      async authorize(raw, request) {
        const parsed = signInSchema.safeParse(raw);
        if (!parsed.success) throw new TypedSignInError("invalid_credentials");
        try {
          const claims = await verifySignIn({ db: await getDb(), ...parsed.data, client: clientAddressFromHeaders(request.headers) });
          return { id: claims.userId, claims } as never;
        } catch (e) {
          if (isAppError(e)) throw new TypedSignInError(e.code);
          throw e;
        }
      },
    }),
  ];
  if (env.oidc) {
    providers.push({
      id: "oidc",
      name: env.oidc.name,
      type: "oidc",
      issuer: env.oidc.issuer,
      clientId: env.oidc.clientId,
      clientSecret: env.oidc.clientSecret,
      checks: ["pkce", "state", "nonce"],
    });
  }
  // Every URL Auth.js builds (sign-in, callbacks, redirects) comes from PUBLIC_BASE_URL, never from
  // the request's Host or X-Forwarded-Host: next-auth reads AUTH_URL from the process environment,
  // rewrites each request to its origin, and then needs no trustHost.
  process.env.AUTH_URL = `${env.PUBLIC_BASE_URL}/api/auth`;
  return {
    secret: getAuthSecret(),
    basePath: "/api/auth",
    session: { strategy: "jwt", maxAge: 7 * 24 * 3600, updateAge: 24 * 3600 },
    pages: { signIn: "/login", error: "/login" },
    providers,
    logger: {
      error: (error) => log.warn("auth.error", { name: error.name, type: (error as { type?: string }).type }),
      warn: (code) => log.warn("auth.warn", { code }),
      debug: () => {},
    },
    callbacks: {
      async signIn({ account, profile }) {
        if (account?.provider !== "oidc" || !env.oidc) return true;
        try {
          await resolveSsoUser({
            db: await getDb(),
            email: profile?.email,
            emailVerified: ssoEmailVerified(profile, env.oidc.trustUnverifiedEmails),
            name: profile?.name,
            autoProvision: env.oidc.autoProvision,
            defaultRole: env.oidc.defaultRole,
          });
          return true;
        } catch (e) {
          if (isAppError(e)) return `/login?error=${e.code}`;
          throw e;
        }
      },
      async jwt({ token, user, account, profile }) {
        if (account?.provider === "credentials" && user) {
          (token as ClaimsCarrier).claims = (user as ClaimsCarrier).claims;
        } else if (account?.provider === "oidc" && env.oidc) {
          (token as ClaimsCarrier).claims = await resolveSsoUser({
            db: await getDb(),
            email: profile?.email,
            emailVerified: ssoEmailVerified(profile, env.oidc.trustUnverifiedEmails),
            name: profile?.name,
            autoProvision: false,
            defaultRole: env.oidc.defaultRole,
          });
        }
        return token;
      },
      session({ session, token }) {
        (session as unknown as ClaimsCarrier).claims = (token as ClaimsCarrier).claims;
        return session;
      },
    },
  };
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => buildConfig());

/** The session's claims (who and which org), or null; callers must still re-check the database. */
export async function getSessionClaims(): Promise<SessionClaims | null> {
  const session = await auth();
  return (session as unknown as ClaimsCarrier | null)?.claims ?? null;
}
