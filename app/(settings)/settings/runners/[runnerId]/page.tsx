import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/settings/page-header";
import { formatDateTime } from "@/components/ui/format-time";
import { IsolationBadge } from "@/components/settings/runners/isolation-badge";
import { LastTestSummary } from "@/components/settings/runners/last-test-summary";
import { RemoveIntegrationButton } from "@/components/settings/runners/remove-integration-button";
import { RunnerActions } from "@/components/settings/runners/runner-actions";
import { liveRunnerOf } from "@/components/settings/runners/live-runner";
import { RunnerVersion } from "@/components/settings/runners/runner-version";
import { RunnerStatusBadge } from "@/components/settings/runners/runner-status-badge";
import { SharedUseControl } from "@/components/settings/runners/shared-use-control";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { TBody, TD, TH, THead, Table } from "@/components/ui/table";
import { getDb } from "@/db/client";
import { requirePageActor } from "@/lib/auth/get-actor";
import { getEnv } from "@/lib/env";
import { runnerInstall } from "@/lib/runners/runner-artifact";
import { listIntegrations } from "@/lib/integrations/list-integrations";
import { getProvider } from "@/lib/providers";
import { sectionRoles } from "@/lib/settings/sections";
import { loadRunner } from "../load";

export const metadata: Metadata = { title: "Runner" };

const linkButton = "inline-flex items-center rounded-md px-3.5 py-2 text-sm font-medium";

export default async function RunnerPage({ params }: { params: Promise<{ runnerId: string }> }) {
  const actor = await requirePageActor(sectionRoles("runners"));
  const { runnerId } = await params;
  const runner = await loadRunner(actor, runnerId);
  const integrations = await listIntegrations({ db: await getDb(), actor, runnerId: runner.id });
  const env = getEnv();
  const install = await runnerInstall(env.PUBLIC_BASE_URL);
  const renderedAt = new Date().toISOString();
  const base = `/settings/runners/${runner.id}`;

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href="/settings/runners" className="font-medium text-brand-700 underline">
          Runners
        </Link>
        <span aria-hidden="true" className="px-1 text-gray-600">
          /
        </span>
        <span aria-current="page" className="text-gray-800">
          {runner.name}
        </span>
      </nav>
      <PageHeader
        title={runner.name}
        description="Which Git providers this runner offers, and how people authenticate to them."
        actions={
          <RunnerActions
            runner={{ id: runner.id, name: runner.name, registered: runner.registeredAt !== null, integrations: runner.integrations, connectedUsers: runner.connectedUsers }}
            install={install}
            afterDeleteHref="/settings/runners"
          />
        }
      />
      <div className="flex flex-col gap-8">
        <section aria-labelledby="runner-details-heading" className="rounded-lg border border-gray-300 bg-white p-4">
          <h2 id="runner-details-heading" className="sr-only">
            Runner details
          </h2>
          <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-2 lg:grid-cols-4">
            <div>
              <dt className="font-medium text-gray-700">Status</dt>
              <dd className="mt-1">
                <RunnerStatusBadge
                  initial={liveRunnerOf(runner)}
                  renderedAt={renderedAt}
                />
              </dd>
            </div>
            <div className="sm:col-span-2 lg:col-span-4">
              <dt className="font-medium text-gray-700">Isolation</dt>
              <dd className="mt-1">
                <IsolationBadge isolation={runner.isolation} sharedUse={runner.sharedUse} full />
              </dd>
            </div>
            <div>
              <dt className="font-medium text-gray-700">Version</dt>
              <dd className="mt-1">
                <RunnerVersion version={runner.version} full />
              </dd>
            </div>
            <div>
              <dt className="font-medium text-gray-700">Registered</dt>
              <dd className="mt-1 text-gray-900">{runner.registeredAt ? formatDateTime(runner.registeredAt) : "Not yet"}</dd>
            </div>
            <div>
              <dt className="font-medium text-gray-700">Connected users</dt>
              <dd className="mt-1 text-gray-900">{runner.connectedUsers}</dd>
            </div>
            <div className="sm:col-span-2 lg:col-span-4">
              <dt className="font-medium text-gray-700">Public key fingerprint</dt>
              <dd className="mt-1 break-all text-gray-900">{runner.fingerprint ? <code className="text-xs">{runner.fingerprint}</code> : "None yet: the runner creates its key pair when it registers."}</dd>
            </div>
          </dl>
          {runner.status === "unregistered" ? (
            <p className="mt-4 rounded-md border border-amber-400 bg-amber-50 p-3 text-sm text-amber-950" data-testid="runner-unregistered">
              This runner has not registered yet. Until it does, it has no public key, so OAuth client secrets cannot be sealed to it: you can add integrations with personal access tokens now and turn OAuth on once it is registered. Lost the token? Rotate the registration token above.
            </p>
          ) : null}
        </section>

        {runner.isolation !== "os_user" || runner.sharedUse ? <SharedUseControl runner={{ id: runner.id, name: runner.name, isolation: runner.isolation, sharedUse: runner.sharedUse }} /> : null}

        <section aria-labelledby="repo-access-heading" className="flex flex-col gap-3">
          <div className="flex flex-wrap items-end justify-between gap-3">
            <div>
              <h2 id="repo-access-heading" className="text-lg font-semibold text-gray-900">
                Configure repository access
              </h2>
              <p className="max-w-prose text-sm text-gray-700">One integration per Git provider host. People connect their own accounts to these hosts in Git Authentications.</p>
            </div>
            <Link href={`${base}/integrations/new`} className={`${linkButton} bg-brand-600 text-white hover:bg-brand-700`}>
              Add a Git provider
            </Link>
          </div>
          {integrations.length === 0 ? (
            <EmptyState title="No Git providers on this runner yet">
              <p>Add GitHub, GitLab, Bitbucket Cloud or Azure DevOps, on their cloud host or your own instance, with OAuth, personal access tokens, or both.</p>
            </EmptyState>
          ) : (
            <Table caption={`Git provider integrations of ${runner.name}`}>
              <THead>
                <tr>
                  <TH>Provider</TH>
                  <TH>Host</TH>
                  <TH>Methods</TH>
                  <TH>Last test</TH>
                  <TH>Connected users</TH>
                  <TH>
                    <span className="sr-only">Actions</span>
                  </TH>
                </tr>
              </THead>
              <TBody>
                {integrations.map((i) => (
                  <tr key={i.id} data-integration-host={i.host}>
                    <TD className="font-medium text-gray-900">{getProvider(i.provider).name}</TD>
                    <TD>
                      <code className="text-gray-900">{i.host}</code>
                    </TD>
                    <TD>
                      <div className="flex flex-wrap gap-1">
                        {i.oauthEnabled ? <Badge tone="blue">OAuth</Badge> : null}
                        {i.patEnabled ? <Badge tone="blue">PAT</Badge> : null}
                        {i.secretNeedsReentry ? <Badge tone="yellow">Client secret must be re-entered</Badge> : null}
                      </div>
                    </TD>
                    <TD>
                      <LastTestSummary lastTest={i.lastTest} lastTestedAt={i.lastTestedAt} />
                    </TD>
                    <TD className="text-gray-800">{i.users}</TD>
                    <TD>
                      <div className="flex flex-wrap items-center gap-2">
                        <Link href={`${base}/integrations/${i.id}`} className="rounded-md border border-gray-300 bg-white px-2.5 py-1 text-sm font-medium text-gray-900 hover:bg-gray-100">
                          Edit<span className="sr-only"> {i.host}</span>
                        </Link>
                        <RemoveIntegrationButton integration={{ id: i.id, host: i.host, users: i.users }} />
                      </div>
                    </TD>
                  </tr>
                ))}
              </TBody>
            </Table>
          )}
        </section>
      </div>
    </>
  );
}
