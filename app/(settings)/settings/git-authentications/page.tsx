import type { Metadata } from "next";
import Link from "next/link";
import { GitAuthReturn } from "@/components/settings/git-auth/git-auth-return";
import { GitAuthRow } from "@/components/settings/git-auth/git-auth-row";
import { Pagination } from "@/components/ui/pagination";
import { PageHeader } from "@/components/settings/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { ListSearch, PastLastPage } from "@/components/ui/list-search";
import { getDb } from "@/db/client";
import { requirePageActor } from "@/lib/auth/get-actor";
import { describeCode } from "@/lib/errors/catalogue";
import { findIntegrationHost } from "@/lib/git-auth/find-integration-host";
import { listGitAuthenticationsPage } from "@/lib/git-auth/list-git-authentications";
import { listGitAuthenticationsSchema } from "@/lib/git-auth/schemas";
import { sectionRoles } from "@/lib/settings/sections";

export const metadata: Metadata = { title: "Git Authentications" };

const PATH = "/settings/git-authentications";

function param(value: string | string[] | undefined): string | null {
  return typeof value === "string" && value.length > 0 && value.length <= 100 ? value : null;
}

export default async function GitAuthenticationsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePageActor(sectionRoles("git-authentications"));
  const query = await searchParams;
  const parsed = listGitAuthenticationsSchema.safeParse(query);
  const { q, page } = parsed.success ? parsed.data : { q: undefined, page: 1 };
  const db = await getDb();
  const list = await listGitAuthenticationsPage({ db, actor, q, page });
  const returning = param(query.integration);
  const returnError = param(query.error);
  // Coming back from OAuth: name the host even when its row is on another page.
  const returningHost = returning ? (list.rows.find((r) => r.integrationId === returning)?.host ?? (await findIntegrationHost({ db, actor, integrationId: returning }))) : null;
  const pageHref = (p: number) => `${PATH}?${new URLSearchParams({ ...(q ? { q } : {}), page: String(p) })}`;
  const now = new Date().toISOString();
  const nothingOffered = list.total === 0 && !q;
  return (
    <>
      <PageHeader
        title="Git Authentications"
        description="Connect your own GitHub, GitLab, Bitbucket or Azure DevOps account so runners can clone and push with your permissions. Each connection belongs to you alone and is stored encrypted for one runner."
      />
      <GitAuthReturn jobId={param(query.connecting)} error={returnError ? describeCode(returnError) : null} host={returningHost} />
      {nothingOffered ? (
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
        <section aria-labelledby="git-providers-heading" className="flex flex-col gap-3">
          <div className="flex flex-wrap items-end justify-between gap-3">
            <h2 id="git-providers-heading" className="text-lg font-semibold text-gray-900">
              Provider hosts <span className="text-sm font-normal text-gray-700">({list.total})</span>
            </h2>
            <ListSearch action={PATH} id="git-auth-search" label="Search by host, provider or runner" placeholder="Search by host, provider or runner" defaultValue={q} />
          </div>
          {list.rows.length === 0 ? (
            list.total > 0 ? (
              <PastLastPage title="No provider hosts on this page" lastPageHref={pageHref(list.pageCount)} />
            ) : (
              <EmptyState title="No provider host matches your search">
                <p>Try another host, provider or runner name.</p>
              </EmptyState>
            )
          ) : (
            <ul aria-label="Git providers" className="flex flex-col gap-3">
              {list.rows.map((row) => (
                <GitAuthRow key={row.integrationId} row={row} userId={actor.userId} now={now} />
              ))}
            </ul>
          )}
          <Pagination label="Git provider pages" page={list.page} pageCount={list.pageCount} href={pageHref} />
        </section>
      )}
    </>
  );
}
