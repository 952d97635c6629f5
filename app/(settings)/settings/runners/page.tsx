import type { Metadata } from "next";
import { PageHeader } from "@/components/settings/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { requirePageActor } from "@/lib/auth/get-actor";
import { sectionRoles } from "@/lib/settings/sections";

export const metadata: Metadata = { title: "Runners" };

export default async function RunnersPage() {
  await requirePageActor(sectionRoles("runners"));
  return (
    <>
      <PageHeader
        title="Runners"
        description="Runners clone repositories into environments and hold your organization's Git credentials. Each runner has its own Git provider configuration."
      />
      <EmptyState title="No runners yet">
        <p>Runner registration is not available in this version yet. Once it is, you will create a runner here, register it with a one-time token and configure which Git providers it offers.</p>
      </EmptyState>
    </>
  );
}
