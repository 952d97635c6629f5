import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "@/components/auth/auth-card";
import { AcceptInvitationForm } from "@/components/auth/accept-invitation-form";
import { ErrorAlert } from "@/components/ui/error-alert";
import { getDb } from "@/db/client";
import { findInvitation } from "@/lib/members/accept-invitation";

// The token stays out of other sites' Referer; "same-origin" (not "no-referrer") so that the form's
// own POST carries a real Origin, which the server-action origin check needs.
export const metadata: Metadata = { title: "Accept invitation", referrer: "same-origin" };
export const dynamic = "force-dynamic";

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invitation = token.length <= 200 ? await findInvitation({ db: await getDb(), token }) : null;
  if (!invitation) {
    return (
      <AuthCard title="Invitation">
        <ErrorAlert code="invitation_invalid" />
        <p className="mt-4 text-sm text-gray-800">
          Already chose a password with this link?{" "}
          <Link href="/login" className="font-medium text-brand-700 underline">
            Sign in
          </Link>
        </p>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Join your organization" subtitle={<>You were invited to <strong>{invitation.orgName}</strong> as <strong>{invitation.email}</strong>. Choose a password to finish.</>}>
      <AcceptInvitationForm token={token} name={invitation.name} />
    </AuthCard>
  );
}
