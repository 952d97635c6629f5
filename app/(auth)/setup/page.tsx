import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { SetupForm } from "@/components/auth/setup-form";
import { getDb } from "@/db/client";
import { isSetupComplete } from "@/lib/orgs/is-setup-complete";

export const metadata: Metadata = { title: "Set up" };
export const dynamic = "force-dynamic";

/** First run only: once an organization exists this page is gone (404). */
export default async function SetupPage() {
  if (await isSetupComplete(await getDb())) notFound();
  return (
    <AuthCard title="Set up your organization" subtitle="Create the organization and its first admin account. You can add members afterwards.">
      <SetupForm />
    </AuthCard>
  );
}
