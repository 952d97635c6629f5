import type { Metadata } from "next";
import { PageHeader } from "@/components/settings/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { requirePageActor } from "@/lib/auth/get-actor";
import { sectionRoles } from "@/lib/settings/sections";

export const metadata: Metadata = { title: "Diagnostics" };

export default async function DiagnosticsPage() {
  const actor = await requirePageActor(sectionRoles("diagnostics"));
  return (
    <>
      <PageHeader
        title="Diagnostics"
        description={
          actor.role === "support"
            ? "Read-only view for support: find out why a user cannot connect or clone, without seeing any secret."
            : "Find out why a user cannot connect or clone, without seeing any secret."
        }
      />
      <EmptyState title="No source-control events recorded yet">
        <p>Connection, validation and clone events will be listed here with their error codes and remedies once runners and Git authentications are in use.</p>
      </EmptyState>
    </>
  );
}
