import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { SignInForm } from "@/components/auth/sign-in-form";
import { getDb } from "@/db/client";
import { getActor } from "@/lib/auth/get-actor";
import { getEnv } from "@/lib/env";
import { describeCode, isErrorCode } from "@/lib/errors/catalogue";
import { isSetupComplete } from "@/lib/orgs/is-setup-complete";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  if (!(await isSetupComplete(await getDb()))) redirect("/setup");
  if (await getActor()) redirect("/settings");
  const params = await searchParams;
  const returnTo = typeof params.returnTo === "string" ? params.returnTo : undefined;
  const rawError = typeof params.error === "string" ? params.error : undefined;
  // next-auth reports OAuth failures with its own names; anything unknown shows as a failed sign-in.
  const initialError = rawError ? describeCode(isErrorCode(rawError) ? rawError : "invalid_credentials") : undefined;
  const oidc = getEnv().oidc;
  return (
    <AuthCard title="Sign in" subtitle="Sign in to manage source control for your organization.">
      <SignInForm returnTo={returnTo} sso={oidc ? { name: oidc.name } : null} initialError={initialError} />
    </AuthCard>
  );
}
