import { AuthError, CredentialsSignin } from "next-auth";
import { redirect } from "next/navigation";
import { AppError } from "../errors/app-error";
import { isErrorCode } from "../errors/catalogue";
import { signIn } from "./auth";

function errorFrom(code: string | null | undefined): AppError {
  return new AppError(code && isErrorCode(code) ? code : "invalid_credentials");
}

/**
 * Signs in through next-auth's credentials provider (which sets the session cookie) and then
 * redirects to `redirectTo`; failures become typed errors (`invalid_credentials`, `user_disabled`,
 * `rate_limited`) instead of next-auth's generic redirect.
 */
export async function signInWithPassword(opts: { email: string; password: string; redirectTo: string }): Promise<never> {
  let url: string;
  try {
    url = await signIn("credentials", { email: opts.email, password: opts.password, redirect: false, redirectTo: opts.redirectTo });
  } catch (e) {
    if (e instanceof CredentialsSignin) throw errorFrom(e.code);
    if (e instanceof AuthError) throw new AppError("invalid_credentials");
    throw e;
  }
  const parsed = new URL(url, "http://local");
  if (parsed.searchParams.get("error")) throw errorFrom(parsed.searchParams.get("code"));
  redirect(opts.redirectTo);
}
