import type { Metadata } from "next";
import { PageHeader } from "@/components/settings/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { requirePageActor } from "@/lib/auth/get-actor";
import { sectionRoles } from "@/lib/settings/sections";

export const metadata: Metadata = { title: "Git Authentications" };

export default async function GitAuthenticationsPage() {
  await requirePageActor(sectionRoles("git-authentications"));
  return (
    <>
      <PageHeader
        title="Git Authentications"
        description="Connect your own GitHub, GitLab, Bitbucket or Azure DevOps account so runners can clone and push with your permissions."
      />
      <EmptyState title="No Git providers offered yet">
        <p>No runner offers a Git provider to your organization yet. When an admin configures one, it appears here and you can connect your account with OAuth or a personal access token.</p>
      </EmptyState>
    </>
  );
}
