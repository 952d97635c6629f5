import crypto from "node:crypto";
import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { z } from "zod";
import { LiveQueryProvider } from "@/components/query/live-query-provider";
import { PageHeader } from "@/components/settings/page-header";
import { IntegrationForm } from "@/components/settings/runners/integration-form";
import { liveRunnerOf } from "@/components/settings/runners/live-runner";
import { RunnerStatusBadge } from "@/components/settings/runners/runner-status-badge";
import { getDb } from "@/db/client";
import { requirePageActor } from "@/lib/auth/get-actor";
import { getEnv } from "@/lib/env";
import { oauthCallbackUrl } from "@/lib/integrations/callback-url";
import { findIntegration } from "@/lib/integrations/list-integrations";
import { offersLoopbackStandIn } from "@/lib/integrations/provider-fields";
import { sectionRoles } from "@/lib/settings/sections";
import { loadRunner } from "../../../load";

export const metadata: Metadata = { title: "Add a Git provider" };

export default async function NewIntegrationPage({ params, searchParams }: { params: Promise<{ runnerId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePageActor(sectionRoles("runners"));
  const { runnerId } = await params;
  const runner = await loadRunner(actor, runnerId);
  const base = `/settings/runners/${runner.id}`;
  // The new integration's id is chosen now and kept in the URL, so the callback URL an admin
  // registers at the provider stays the same across reloads until the integration is saved.
  const { id } = await searchParams;
  if (typeof id !== "string" || !z.uuid().safeParse(id).success) redirect(`${base}/integrations/new?id=${crypto.randomUUID()}`);
  const existing = await findIntegration({ db: await getDb(), actor, integrationId: id }).catch(() => null);
  if (existing) redirect(`${base}/integrations/${existing.id}`);
  const env = getEnv();

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
          Add a Git provider
        </span>
      </nav>
      <PageHeader title="Add a Git provider" description={`Offer a Git provider host on ${runner.name}, and choose how people authenticate to it.`} />
      <p className="mb-6 flex flex-wrap items-center gap-2 text-sm text-gray-800">
        Runner {runner.name}: <RunnerStatusBadge initial={liveRunnerOf(runner)} renderedAt={new Date().toISOString()} />
      </p>
      <LiveQueryProvider>
        <IntegrationForm
          runner={{ id: runner.id, publicKey: runner.publicKey }}
          integrationId={id}
          callbackUrl={oauthCallbackUrl(env.PUBLIC_BASE_URL, id)}
          allowLoopback={env.allowLoopbackHosts}
          offerStandIn={offersLoopbackStandIn(env)}
          saved={null}
          lastTest={null}
        />
      </LiveQueryProvider>
    </>
  );
}
