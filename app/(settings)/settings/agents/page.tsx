import type { Metadata } from "next";
import { AgentActivitySection } from "@/components/settings/agents/activity-section";
import { formatDateTime } from "@/components/ui/format-time";
import { AgentPolicyForm } from "@/components/settings/agents/policy-form";
import { AgentPolicySummary } from "@/components/settings/agents/policy-summary";
import { PageHeader } from "@/components/settings/page-header";
import { getDb, type Db } from "@/db/client";
import { getAgentPolicyForUser } from "@/lib/agents/get-agent-policy-for-user";
import { getAgentPolicySettings } from "@/lib/agents/get-agent-policy-settings";
import type { AgentPolicyView } from "@/lib/agents/get-agent-policy";
import { loadAgentActivityView } from "@/lib/agents/load-activity-view";
import { agentToolProviders } from "@/lib/agents/tool-providers";
import { requirePageActor } from "@/lib/auth/get-actor";
import { sectionRoles } from "@/lib/settings/sections";
import type { Actor } from "@/lib/users/actor";

export const metadata: Metadata = { title: "Agents" };

type Query = Record<string, string | string[] | undefined>;

function LastChanged({ policy }: { policy: AgentPolicyView }) {
  if (!policy.updatedAt) return <p className="text-sm text-gray-700">Not changed yet: the default applies (enabled for everyone, every capability).</p>;
  const who = policy.updatedBy ? `${policy.updatedBy.name} (${policy.updatedBy.email})` : "a removed user";
  return (
    <p className="text-sm text-gray-700" data-testid="policy-last-changed">
      Last changed by {who} on <time dateTime={policy.updatedAt.toISOString()}>{formatDateTime(policy.updatedAt)}</time>.
    </p>
  );
}

async function AdminView({ db, actor, query }: { db: Db; actor: Actor; query: Query }) {
  const [{ policy, groups }, activity] = await Promise.all([getAgentPolicySettings({ db, actor }), loadAgentActivityView({ db, actor, query })]);
  return (
    <div className="flex flex-col gap-8">
      <section aria-labelledby="policy-heading" className="flex flex-col gap-3">
        <h2 id="policy-heading" className="text-lg font-semibold text-gray-900">
          SCM tools policy
        </h2>
        <LastChanged policy={policy} />
        <AgentPolicyForm
          initial={{ mode: policy.mode, allowedGroupIds: policy.allowedGroups.map((g) => g.id), capabilities: policy.capabilities }}
          groups={groups}
          toolProviders={agentToolProviders()}
        />
      </section>
      <AgentActivitySection view={activity} showOwner />
    </div>
  );
}

async function MemberView({ db, actor, query }: { db: Db; actor: Actor; query: Query }) {
  const [policy, activity] = await Promise.all([getAgentPolicyForUser({ db, actor }), loadAgentActivityView({ db, actor, query })]);
  return (
    <div className="flex flex-col gap-8">
      <AgentPolicySummary policy={policy} toolProviders={agentToolProviders()} />
      <AgentActivitySection view={activity} showOwner={false} />
    </div>
  );
}

/**
 * Settings > Agents: for admins the SCM-tools policy form, for members what the policy means for
 * them; for both the agent activity their role may see, filtered and paged in the URL
 * (`?tool=…&outcome=refused&owner=…&environment=…&before=…`).
 */
export default async function AgentsPage({ searchParams }: { searchParams: Promise<Query> }) {
  const actor = await requirePageActor(sectionRoles("agents"));
  const [db, query] = await Promise.all([getDb(), searchParams]);
  const admin = actor.role === "admin";
  return (
    <>
      <PageHeader
        title="Agents"
        description={
          admin
            ? "Decide whether AI agents in environments may use SCM tools: read, open and update pull requests and issues, their comments, reviews and checks, through the provider's API, as the environment's owner."
            : "What AI agents in your environments may do through the provider's API, and what they did. Only admins can change the policy."
        }
      />
      {admin ? <AdminView db={db} actor={actor} query={query} /> : <MemberView db={db} actor={actor} query={query} />}
    </>
  );
}
