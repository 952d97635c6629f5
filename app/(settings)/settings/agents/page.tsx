import type { Metadata } from "next";
import { PageHeader } from "@/components/settings/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { requirePageActor } from "@/lib/auth/get-actor";
import { sectionRoles } from "@/lib/settings/sections";

export const metadata: Metadata = { title: "Agents" };

export default async function AgentsPage() {
  await requirePageActor(sectionRoles("agents"));
  return (
    <>
      <PageHeader
        title="Agents"
        description="Decide whether AI agents in environments may use source-control tools: open pull requests, manage issues and comment on reviews as the environment's owner."
      />
      <EmptyState title="No agent policy to configure yet">
        <p>Agent source-control tools are not available in this version yet, so agents cannot call provider APIs. The policy controls will appear here when they are.</p>
      </EmptyState>
    </>
  );
}
