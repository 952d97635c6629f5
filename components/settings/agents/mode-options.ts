import type { AgentPolicyView } from "@/lib/agents/get-agent-policy";

export type PolicyMode = AgentPolicyView["mode"];

/** The three policy modes as the form offers them, each with what it means in practice. */
export const modeOptions: ReadonlyArray<{ value: PolicyMode; label: string; description: string }> = [
  {
    value: "enabled",
    label: "Enabled for everyone",
    description:
      "Agents in every environment may call the provider's API with the environment owner's account, so they can never do more than the owner could in that repository. This is the default.",
  },
  {
    value: "groups",
    label: "Restricted to members of chosen groups",
    description: "Only agents in environments owned by members of the groups you choose may call the provider's API. Other people's agents are refused with \u201cnot allowed\u201d.",
  },
  {
    value: "disabled",
    label: "Disabled",
    description:
      "No agent may call the provider's API: no pull requests, issues or reviews. Agents can still clone, commit and push with git, using the owner's connected account.",
  },
];
