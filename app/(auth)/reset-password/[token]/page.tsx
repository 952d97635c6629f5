import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { AuthCard } from "@/components/auth/auth-card";
import { ResetPasswordForm } from "@/components/auth/reset-password-form";
import { ErrorAlert } from "@/components/ui/error-alert";
import { getDb } from "@/db/client";
import { clientAddressFromHeaders } from "@/lib/auth/client-address";
import { isAppError } from "@/lib/errors/app-error";
import type { ErrorCode } from "@/lib/errors/catalogue";
import { findPasswordReset } from "@/lib/users/find-password-reset";
import { resetTokenSchema } from "@/lib/users/schemas";

// The token stays out of other sites' Referer; "same-origin" so the form's own POST carries an Origin.
export const metadata: Metadata = { title: "Reset password", referrer: "same-origin" };
export const dynamic = "force-dynamic";

async function lookUp(token: string): Promise<{ ok: true; email: string; orgName: string } | { ok: false; code: ErrorCode }> {
  if (!resetTokenSchema.safeParse(token).success) return { ok: false, code: "reset_link_invalid" };
  try {
    const found = await findPasswordReset({ db: await getDb(), token, client: clientAddressFromHeaders(await headers()) });
    return { ok: true, ...found };
  } catch (e) {
    if (isAppError(e)) return { ok: false, code: e.code };
    throw e;
  }
}

export default async function ResetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const link = await lookUp(token);
  if (!link.ok) {
    return (
      <AuthCard title="Reset password">
        <div className="flex flex-col gap-4">
          <ErrorAlert code={link.code} docsLink={false} />
          <Link href="/login" className="text-sm font-medium text-brand-700 underline">
            Go to sign-in
          </Link>
        </div>
      </AuthCard>
    );
  }
  return (
    <AuthCard
      title="Choose a new password"
      subtitle={
        <>
          For <strong className="break-all">{link.email}</strong> in {link.orgName}. An admin issued this link; it works once.
        </>
      }
    >
      <ResetPasswordForm token={token} email={link.email} />
    </AuthCard>
  );
}
