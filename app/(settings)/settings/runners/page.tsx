import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/settings/page-header";
import { CreateRunnerForm } from "@/components/settings/runners/create-runner-form";
import { RunnerActions } from "@/components/settings/runners/runner-actions";
import { IsolationBadge } from "@/components/settings/runners/isolation-badge";
import { liveRunnerOf } from "@/components/settings/runners/live-runner";
import { RunnerVersion } from "@/components/settings/runners/runner-version";
import { RunnerStatusBadge } from "@/components/settings/runners/runner-status-badge";
import { ShownRunnersProvider } from "@/components/settings/runners/shown-runners";
import { EmptyState } from "@/components/ui/empty-state";
import { ListSearch, PastLastPage } from "@/components/ui/list-search";
import { Pagination } from "@/components/ui/pagination";
import { TBody, TD, TH, THead, Table } from "@/components/ui/table";
import { getDb } from "@/db/client";
import { requirePageActor } from "@/lib/auth/get-actor";
import { getEnv } from "@/lib/env";
import { runnerInstall } from "@/lib/runners/runner-artifact";
import { listRunners } from "@/lib/runners/list-runners";
import { listRunnersSchema } from "@/lib/runners/schemas";
import { sectionRoles } from "@/lib/settings/sections";
import { countOf } from "@/lib/text/count";

export const metadata: Metadata = { title: "Runners" };

export default async function RunnersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePageActor(sectionRoles("runners"));
  const env = getEnv();
  const install = await runnerInstall(env.PUBLIC_BASE_URL);
  const parsed = listRunnersSchema.safeParse(await searchParams);
  const { q, page } = parsed.success ? parsed.data : { q: undefined, page: 1 };
  const runners = await listRunners({ db: await getDb(), actor, offlineAfterMs: env.RUNNER_OFFLINE_AFTER_SECONDS * 1000, q, page });
  const renderedAt = new Date().toISOString();
  const pageHref = (p: number) => `/settings/runners?${new URLSearchParams({ ...(q ? { q } : {}), page: String(p) })}`;
  return (
    <>
      <PageHeader
        title="Runners"
        description="Runners clone repositories into environments and hold your organization's Git credentials, sealed to their own keys. Each runner has its own Git provider configuration."
      />
      <div className="flex flex-col gap-8">
        <CreateRunnerForm install={install} />
        <section aria-labelledby="runners-heading" className="flex flex-col gap-3">
          <div className="flex flex-wrap items-end justify-between gap-3">
            <h2 id="runners-heading" className="text-lg font-semibold text-gray-900">
              Your runners <span className="text-sm font-normal text-gray-700">({runners.total})</span>
            </h2>
            <ListSearch action="/settings/runners" id="runner-search" label="Search runners by name" placeholder="Search by name" defaultValue={q} />
          </div>
          {runners.rows.length === 0 ? (
            runners.total > 0 ? (
              <PastLastPage title="No runners on this page" lastPageHref={pageHref(runners.pageCount)} />
            ) : q ? (
              <EmptyState title="No runner matches your search">
                <p>
                  No runner name contains &ldquo;{q}&rdquo;.{" "}
                  <Link className="font-medium text-brand-700 underline" href="/settings/runners">
                    Show all runners
                  </Link>
                </p>
              </EmptyState>
            ) : (
              <EmptyState title="No runners yet">
                <p>Create a runner above, then register it with the one-time token on a machine that can reach both this server and your Git providers.</p>
              </EmptyState>
            )
          ) : (
            <ShownRunnersProvider ids={runners.rows.map((r) => r.id)}>
              <Table caption="Runners of the organization" className="relative">
                <THead>
                  <tr>
                    <TH>Runner</TH>
                    <TH>Status</TH>
                    <TH>
                      <span className="sr-only">Actions</span>
                    </TH>
                  </tr>
                </THead>
                <TBody>
                  {runners.rows.map((r) => (
                    <tr key={r.id} data-runner-name={r.name}>
                      <TD className="align-top">
                        <Link href={`/settings/runners/${r.id}`} className="break-all font-medium text-brand-700 underline sm:whitespace-nowrap sm:break-normal">
                          {r.name}
                        </Link>
                        {/* One column of facts instead of five, so the table fits a phone's width. */}
                        <dl className="mt-1 grid grid-cols-[auto_minmax(0,1fr)] items-center gap-x-2 gap-y-1 text-xs text-gray-800">
                          <dt className="text-gray-700">Isolation</dt>
                          <dd>
                            <IsolationBadge isolation={r.isolation} sharedUse={r.sharedUse} />
                          </dd>
                          <dt className="text-gray-700">Version</dt>
                          <dd>
                            <RunnerVersion version={r.version} />
                          </dd>
                          <dt className="text-gray-700">Key</dt>
                          <dd className="break-all">
                            {r.fingerprint ? (
                              <code title={r.fingerprint}>{r.fingerprint.slice(0, 23)}…</code>
                            ) : (
                              <span className="text-gray-600">none yet</span>
                            )}
                          </dd>
                          <dt className="text-gray-700">In use</dt>
                          <dd>
                            {countOf(r.integrations, "integration")} · {countOf(r.connectedUsers, "connected user")}
                          </dd>
                        </dl>
                      </TD>
                      <TD className="align-top">
                        <RunnerStatusBadge initial={liveRunnerOf(r)} renderedAt={renderedAt} />
                      </TD>
                      <TD className="align-top">
                        <div className="flex flex-wrap items-center gap-2">
                          <Link href={`/settings/runners/${r.id}`} className="rounded-md border border-gray-300 bg-white px-2.5 py-1 text-sm font-medium text-gray-900 hover:bg-gray-100">
                            Configure<span className="sr-only"> repository access for {r.name}</span>
                          </Link>
                          <RunnerActions
                            runner={{ id: r.id, name: r.name, registered: r.registeredAt !== null, integrations: r.integrations, connectedUsers: r.connectedUsers }}
                            install={install}
                          />
                        </div>
                      </TD>
                    </tr>
                  ))}
                </TBody>
              </Table>
            </ShownRunnersProvider>
          )}
          <Pagination label="Runners pages" page={runners.page} pageCount={runners.pageCount} href={pageHref} />
        </section>
      </div>
    </>
  );
}
