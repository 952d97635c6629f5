import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { DiagnosisCard } from "@/components/diagnostics/diagnosis-card";
import { SwitchToOAuth } from "@/components/diagnostics/switch-to-oauth";
import { Timeline } from "@/components/diagnostics/timeline";
import { PageHeader } from "@/components/settings/page-header";
import { getDb } from "@/db/client";
import { requirePageActor } from "@/lib/auth/get-actor";
import { getTrail } from "@/lib/diagnostics/get-trail";
import { operationLabel } from "@/lib/diagnostics/operations";
import { sectionRoles } from "@/lib/settings/sections";

export const metadata: Metadata = { title: "Timeline · Diagnostics" };

/**
 * One operation's timeline: every stage from the browser request through the runner's job to the
 * provider's answer, under one correlation id, with the diagnosis (where it stopped and why), the
 * provider's redacted error next to our explanation and remedy, and the OAuth remedy when it applies.
 */
export default async function TrailPage({ params }: { params: Promise<{ correlationId: string }> }) {
  const actor = await requirePageActor(sectionRoles("diagnostics"));
  const { correlationId } = await params;
  const trail = await getTrail({ db: await getDb(), actor, correlationId: decodeURIComponent(correlationId) });
  if (!trail) notFound();
  const first = trail.events[0]!;
  const target = trail.switchToOAuth;
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/settings/diagnostics" className="font-medium text-brand-700 underline">
          ← Diagnostics
        </Link>
      </p>
      <PageHeader
        title={`Timeline: ${operationLabel(first.operation)}`}
        description={
          <>
            Correlation id <code className="font-mono text-xs">{trail.correlationId}</code>
            {first.userEmail ? ` · for ${first.userEmail}` : ""}
            {first.host ? ` · ${first.host}` : ""}
          </>
        }
      />
      <div className="flex flex-col gap-6">
        <DiagnosisCard diagnosis={trail.diagnosis} />
        {target ? (
          <SwitchToOAuth
            integrationId={target.integrationId}
            runnerId={target.runnerId}
            host={target.host}
            oauthEnabled={target.oauthEnabled}
            canConnect={target.viewerIsPerson && actor.role !== "support"}
            viewerIsAdmin={actor.role === "admin"}
            personLabel={target.personEmail}
          />
        ) : null}
        <Timeline events={trail.events} />
      </div>
    </>
  );
}
