import type { Metadata } from "next";
import { ChangeNameForm } from "@/components/settings/account/change-name-form";
import { ChangePasswordForm } from "@/components/settings/account/change-password-form";
import { RenameOrganizationForm } from "@/components/settings/account/rename-organization-form";
import { RetentionForm } from "@/components/settings/account/retention-form";
import { PageHeader } from "@/components/settings/page-header";
import { getDb } from "@/db/client";
import { requirePageActor } from "@/lib/auth/get-actor";
import { getEnv } from "@/lib/env";
import { getRetentionSetting } from "@/lib/orgs/retention";
import { getAccount } from "@/lib/users/get-account";

export const metadata: Metadata = { title: "Account" };

function Section({ id, title, children }: { id: string; title: string; children: React.ReactNode }) {
  return (
    <section aria-labelledby={id} className="max-w-xl rounded-lg border border-gray-300 bg-white p-4">
      <h2 id={id} className="mb-3 text-base font-semibold text-gray-900">
        {title}
      </h2>
      {children}
    </section>
  );
}

export default async function AccountPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePageActor();
  const { hasPassword } = await getAccount({ db: await getDb(), actor });
  const changed = (await searchParams).password === "changed";
  const retention = actor.role === "admin" ? await getRetentionSetting({ db: await getDb(), actor, defaultDays: getEnv().RETENTION_EVENTS_DAYS }) : null;
  return (
    <>
      <PageHeader title="Account" description="Your name and password. Admins also rename the organization and set how long its records are kept here." />
      <div className="flex flex-col gap-6">
        <Section id="profile-heading" title="Profile">
          <ChangeNameForm name={actor.name} email={actor.email} />
        </Section>
        <Section id="password-heading" title="Password">
          {hasPassword ? (
            <ChangePasswordForm changed={changed} />
          ) : (
            <p className="text-sm text-gray-700">
              You sign in with single sign-on: your password is managed by your identity provider. Change it there.
            </p>
          )}
        </Section>
        {actor.role === "admin" ? (
          <Section id="organization-heading" title="Organization">
            <RenameOrganizationForm name={actor.orgName} />
          </Section>
        ) : null}
        {retention ? (
          <Section id="retention-heading" title="Data retention">
            <RetentionForm setting={retention} />
          </Section>
        ) : null}
      </div>
    </>
  );
}
