import type { Metadata } from "next";
import Link from "next/link";
import { LiveQueryProvider } from "@/components/query/live-query-provider";
import { PageHeader } from "@/components/settings/page-header";
import { IntegrationForm } from "@/components/settings/runners/integration-form";
import { liveRunnerOf } from "@/components/settings/runners/live-runner";
import { RunnerStatusBadge } from "@/components/settings/runners/runner-status-badge";
import { RemoveIntegrationButton } from "@/components/settings/runners/remove-integration-button";
import { requirePageActor } from "@/lib/auth/get-actor";
import { getEnv } from "@/lib/env";
import { describeCodes } from "@/lib/errors/catalogue";
import { oauthCallbackUrl } from "@/lib/integrations/callback-url";
import { getProvider } from "@/lib/providers";
import { sectionRoles } from "@/lib/settings/sections";
import { loadIntegration, loadRunner } from "../../../load";
import { connectedUsersSentence } from "@/lib/text/count";

export const metadata: Metadata = { title: "Edit Git provider" };

export default async function EditIntegrationPage({
  params,
  searchParams,
}: {
  params: Promise<{ runnerId: string; integrationId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requirePageActor(sectionRoles("runners"));
  const { runnerId, integrationId } = await params;
  // `?saved=untested`: the new form saved without testing and came here.
  const { saved } = await searchParams;
  const runner = await loadRunner(actor, runnerId);
  const i = await loadIntegration(actor, runner.id, integrationId);
  const env = getEnv();
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
        <Link href={base} className="font-medium text-brand-700 underline">
          {runner.name}
        </Link>
        <span aria-hidden="true" className="px-1 text-gray-600">
          /
        </span>
        <span aria-current="page" className="text-gray-800">
          {i.host}
        </span>
      </nav>
      <PageHeader
        title={`${getProvider(i.provider).name} at ${i.host}`}
        description={`How people on ${runner.name} authenticate to ${i.host}. ${connectedUsersSentence(i.users)}`}
        actions={<RemoveIntegrationButton integration={{ id: i.id, host: i.host, users: i.users }} afterRemoveHref={base} />}
      />
      <p className="mb-6 flex flex-wrap items-center gap-2 text-sm text-gray-800">
        Runner {runner.name}: <RunnerStatusBadge initial={liveRunnerOf(runner)} renderedAt={new Date().toISOString()} />
      </p>
      <LiveQueryProvider>
        <IntegrationForm
          runner={{ id: runner.id, publicKey: runner.publicKey }}
          integrationId={i.id}
          callbackUrl={oauthCallbackUrl(env.PUBLIC_BASE_URL, i.id)}
          allowLoopback={env.allowLoopbackHosts}
          saved={{
            provider: i.provider,
            deployment: i.deployment,
            host: i.host,
            baseUrl: i.baseUrl,
            issuerUrl: i.issuerUrl ?? "",
            virtualDirectory: i.virtualDirectory ?? "",
            allowPrivateHosts: i.allowPrivateHosts,
            oauthEnabled: i.oauthEnabled,
            oauthClientId: i.oauthClientId,
            oauthScopes: i.oauthScopes,
            hasClientSecret: i.hasClientSecret,
            secretNeedsReentry: i.secretNeedsReentry,
            patEnabled: i.patEnabled,
            patScopes: i.patScopes,
            oauthUsers: i.oauthUsers,
            patUsers: i.patUsers,
          }}
          lastTest={i.lastTest ? { ...i.lastTest, errors: describeCodes([i.lastTest.errorCode, ...i.lastTest.checks.map((c) => c.code)]) } : null}
          savedUntested={saved === "untested"}
        />
      </LiveQueryProvider>
    </>
  );
}
