import type { Metadata } from "next";
import { AgentActivityTable } from "@/components/settings/agents/activity-table";
import { formatDateTime } from "@/components/ui/format-time";
import { AgentPolicyForm } from "@/components/settings/agents/policy-form";
import { AgentPolicySummary } from "@/components/settings/agents/policy-summary";
import { PageHeader } from "@/components/settings/page-header";
import { getDb, type Db } from "@/db/client";
import { getAgentPolicyForUser } from "@/lib/agents/get-agent-policy-for-user";
import { getAgentPolicySettings } from "@/lib/agents/get-agent-policy-settings";
import type { AgentPolicyView } from "@/lib/agents/get-agent-policy";
import { listAgentActivity } from "@/lib/agents/list-agent-activity";
import { requirePageActor } from "@/lib/auth/get-actor";
import { sectionRoles } from "@/lib/settings/sections";
import type { Actor } from "@/lib/users/actor";

export const metadata: Metadata = { title: "Agents" };

/** How many tool calls the activity list shows; older ones stay in the database. */
const ACTIVITY_SHOWN = 50;

function LastChanged({ policy }: { policy: AgentPolicyView }) {
  if (!policy.updatedAt) return <p className="text-sm text-gray-700">Not changed yet: the default applies (enabled for everyone, every capability).</p>;
  const who = policy.updatedBy ? `${policy.updatedBy.name} (${policy.updatedBy.email})` : "a removed user";
  return (
    <p className="text-sm text-gray-700" data-testid="policy-last-changed">
      Last changed by {who} on <time dateTime={policy.updatedAt.toISOString()}>{formatDateTime(policy.updatedAt)}</time>.
    </p>
  );
}

function ActivitySection({ children, description }: { children: React.ReactNode; description: string }) {
  return (
    <section aria-labelledby="activity-heading" className="flex flex-col gap-3">
      <h2 id="activity-heading" className="text-lg font-semibold text-gray-900">
        Agent activity
      </h2>
      <p className="text-sm text-gray-700">{description}</p>
      {children}
    </section>
  );
}

async function AdminView({ db, actor }: { db: Db; actor: Actor }) {
  const [{ policy, groups }, activity] = await Promise.all([getAgentPolicySettings({ db, actor }), listAgentActivity({ db, actor, limit: ACTIVITY_SHOWN })]);
  return (
    <div className="flex flex-col gap-8">
      <section aria-labelledby="policy-heading" className="flex flex-col gap-3">
        <h2 id="policy-heading" className="text-lg font-semibold text-gray-900">
          SCM tools policy
        </h2>
        <LastChanged policy={policy} />
        <AgentPolicyForm initial={{ mode: policy.mode, allowedGroupIds: policy.allowedGroups.map((g) => g.id), capabilities: policy.capabilities }} groups={groups} />
      </section>
      <ActivitySection description={`The ${ACTIVITY_SHOWN} most recent SCM tool calls by agents in your organization's environments, allowed or refused. Owners see their own environments' calls.`}>
        <AgentActivityTable rows={activity} showOwner caption="Recent agent tool calls in the organization" />
      </ActivitySection>
    </div>
  );
}

async function MemberView({ db, actor }: { db: Db; actor: Actor }) {
  const [policy, activity] = await Promise.all([getAgentPolicyForUser({ db, actor }), listAgentActivity({ db, actor, limit: ACTIVITY_SHOWN })]);
  return (
    <div className="flex flex-col gap-8">
      <AgentPolicySummary policy={policy} />
      <ActivitySection description={`The ${ACTIVITY_SHOWN} most recent SCM tool calls by agents in your environments, allowed or refused.`}>
        <AgentActivityTable rows={activity} showOwner={false} caption="Recent agent tool calls in your environments" />
      </ActivitySection>
    </div>
  );
}

export default async function AgentsPage() {
  const actor = await requirePageActor(sectionRoles("agents"));
  const db = await getDb();
  const admin = actor.role === "admin";
  return (
    <>
      <PageHeader
        title="Agents"
        description={
          admin
            ? "Decide whether AI agents in environments may use SCM tools: open pull requests, manage issues and comment on reviews through the provider's API, as the environment's owner."
            : "What AI agents in your environments may do through the provider's API, and what they did. Only admins can change the policy."
        }
      />
      {admin ? <AdminView db={db} actor={actor} /> : <MemberView db={db} actor={actor} />}
    </>
  );
}
