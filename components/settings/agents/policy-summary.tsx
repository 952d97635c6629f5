import { Badge } from "@/components/ui/badge";
import { capabilities, capabilityLabels } from "@/lib/agents/capabilities";
import type { AgentPolicyForUser } from "@/lib/agents/get-agent-policy-for-user";
import { listWithAnd } from "@/lib/text/list-with-and";
import { describeError } from "@/lib/errors/catalogue";
import { formatDateTime } from "@/components/ui/format-time";

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function listNames(names: string[]): string {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} or ${names.at(-1)}`;
}

function Headline({ policy }: { policy: AgentPolicyForUser }) {
  if (policy.mode === "disabled") return <>Your organization has turned agent SCM tools off: agents in your environments cannot call the provider&apos;s API.</>;
  if (policy.mode === "enabled") return <>Your organization allows agent SCM tools for everyone, acting with your connected account.</>;
  const groups = policy.allowedGroupNames.length > 0 ? listNames(policy.allowedGroupNames) : "no group at the moment";
  return policy.inAllowedGroup ? (
    <>SCM tools are restricted to members of {groups}. You are one, so agents in your environments may use them.</>
  ) : (
    <>
      SCM tools are restricted to members of {groups}. You are not in {policy.allowedGroupNames.length === 1 ? "it" : "any of them"}, so agents in your environments cannot call the provider&apos;s
      API. Ask an admin to add you if your work needs it.
    </>
  );
}

/**
 * The `repository` tools (who the owner is, labels, assignable users) need no capability: they are
 * allowed whenever the tools are, as `decideAgentPolicy` decides with no capability.
 */
function RepositoryTools({ policy }: { policy: AgentPolicyForUser }) {
  const allowed = policy.mode === "enabled" || (policy.mode === "groups" && policy.inAllowedGroup);
  return (
    <li className="flex items-start gap-3" data-capability="repository">
      <Badge tone={allowed ? "green" : "yellow"} className="mt-0.5 shrink-0">
        {allowed ? "Allowed" : "Not allowed"}
      </Badge>
      <div className="text-sm">
        <p className="text-gray-900">
          <span className="font-medium">Repository:</span> who the owner is, labels and assignable users: allowed whenever the tools are.
        </p>
        {allowed ? null : <p className="text-xs text-gray-700">{describeError(policy.mode === "disabled" ? "scm_tools_disabled" : "scm_tools_not_allowed").remedy}</p>}
      </div>
    </li>
  );
}

/**
 * The read-only view of the SCM-tools policy for people who cannot change it: what agents in their
 * own environments can and cannot do right now, and why. Which providers have the tools at all
 * comes from the provider registry.
 */
export function AgentPolicySummary({ policy, toolProviders }: { policy: AgentPolicyForUser; toolProviders: { supported: string[]; unsupported: string[] } }) {
  return (
    <section aria-labelledby="applies-heading" className="rounded-lg border border-gray-300 bg-white p-4 md:p-6">
      <h2 id="applies-heading" className="text-lg font-semibold text-gray-900">
        What applies to you
      </h2>
      <p className="mt-1 text-sm text-gray-800">
        <Headline policy={policy} />
      </p>
      <ul aria-label="Agent capabilities in your environments" className="mt-4 flex flex-col gap-3">
        {capabilities.map((c) => {
          const decision = policy.decisions[c];
          const { label, description } = capabilityLabels[c];
          return (
            <li key={c} className="flex items-start gap-3" data-capability={c}>
              <Badge tone={decision.allowed ? "green" : "yellow"} className="mt-0.5 shrink-0">
                {decision.allowed ? "Allowed" : "Not allowed"}
              </Badge>
              <div className="text-sm">
                <p className="text-gray-900">
                  <span className="font-medium">{label}:</span> agents in your environments {decision.allowed ? "can" : "cannot"} {lowerFirst(description)}
                </p>
                {decision.allowed ? null : <p className="text-xs text-gray-700">{describeError(decision.code).remedy}</p>}
              </div>
            </li>
          );
        })}
        <RepositoryTools policy={policy} />
      </ul>
      <p className="mt-4 text-sm text-gray-700" data-testid="tool-providers">
        Whatever the policy, agents can clone, commit and push with git, and never do more than your account may do in the repository.
        {toolProviders.unsupported.length > 0
          ? ` SCM tools are available for ${listWithAnd(toolProviders.supported)}, not for ${listWithAnd(toolProviders.unsupported)}.`
          : ` SCM tools are available for every provider: ${listWithAnd(toolProviders.supported)}.`}
      </p>
      <p className="mt-2 text-xs text-gray-700">{policy.updatedAt ? `Policy last changed ${formatDateTime(policy.updatedAt)}.` : "Your organization uses the default policy."}</p>
    </section>
  );
}
