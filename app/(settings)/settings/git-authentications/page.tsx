import type { Metadata } from "next";
import Link from "next/link";
import { GitAuthReturn } from "@/components/settings/git-auth/git-auth-return";
import { GitAuthRow } from "@/components/settings/git-auth/git-auth-row";
import { PageHeader } from "@/components/settings/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { getDb } from "@/db/client";
import { requirePageActor } from "@/lib/auth/get-actor";
import { listGitAuthentications } from "@/lib/git-auth/list-git-authentications";
import { sectionRoles } from "@/lib/settings/sections";

export const metadata: Metadata = { title: "Git Authentications" };

function param(value: string | string[] | undefined): string | null {
  return typeof value === "string" && value.length > 0 && value.length <= 100 ? value : null;
}

export default async function GitAuthenticationsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePageActor(sectionRoles("git-authentications"));
  const query = await searchParams;
  const rows = await listGitAuthentications({ db: await getDb(), actor });
  const returning = param(query.integration);
  const returningHost = rows.find((r) => r.integrationId === returning)?.host ?? null;
  const now = new Date().toISOString();
  return (
    <>
      <PageHeader
        title="Git Authentications"
        description="Connect your own GitHub, GitLab, Bitbucket or Azure DevOps account so runners can clone and push with your permissions. Each connection belongs to you alone and is stored encrypted for one runner."
      />
      <GitAuthReturn jobId={param(query.connecting)} errorCode={param(query.error)} host={returningHost} />
      {rows.length === 0 ? (
        <EmptyState title="No Git providers offered yet">
          <p>
            No runner offers a Git provider to your organization yet. An admin configures repository access in{" "}
            {actor.role === "admin" ? (
              <Link href="/settings/runners" className="font-medium text-brand-700 underline">
                Settings &gt; Runners
              </Link>
            ) : (
              "Settings > Runners"
            )}
            ; the providers then appear here and you can connect your account with OAuth or a personal access token.
          </p>
        </EmptyState>
      ) : (
        <ul aria-label="Git providers" className="flex flex-col gap-3">
          {rows.map((row) => (
            <GitAuthRow key={row.integrationId} row={row} userId={actor.userId} now={now} />
          ))}
        </ul>
      )}
    </>
  );
}
