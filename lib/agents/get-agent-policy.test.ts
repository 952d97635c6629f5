import { describe, expect, it } from "vitest";
import { decideAgentPolicy, type AgentPolicyView } from "./get-agent-policy";

const policy = (over: Partial<AgentPolicyView> = {}): AgentPolicyView => ({
  mode: "enabled",
  allowedGroups: [],
  capabilities: { pull_requests: true, issues: true, review_comments: true },
  updatedAt: null,
  updatedBy: null,
  ...over,
});

describe("decideAgentPolicy", () => {
  it("allows everything by default", () => {
    expect(decideAgentPolicy(policy(), false, "issues")).toEqual({ allowed: true });
  });

  it("says disabled before anything else, even for a member of an allowed group", () => {
    const p = policy({ mode: "disabled", capabilities: { pull_requests: false, issues: true, review_comments: true } });
    expect(decideAgentPolicy(p, true, "pull_requests")).toEqual({ allowed: false, code: "scm_tools_disabled", reason: "tools_disabled" });
  });

  it("refuses a capability that is off, and only that one", () => {
    const p = policy({ capabilities: { pull_requests: true, issues: false, review_comments: true } });
    expect(decideAgentPolicy(p, false, "issues")).toEqual({ allowed: false, code: "scm_tools_not_allowed", reason: "capability_off" });
    expect(decideAgentPolicy(p, false, "review_comments")).toEqual({ allowed: true });
  });

  it("restricted to groups: allows members of an allowed group only", () => {
    const p = policy({ mode: "groups", allowedGroups: [{ id: "g", name: "G" }] });
    expect(decideAgentPolicy(p, true, "pull_requests")).toEqual({ allowed: true });
    expect(decideAgentPolicy(p, false, "pull_requests")).toEqual({ allowed: false, code: "scm_tools_not_allowed", reason: "not_in_allowed_group" });
  });
});
