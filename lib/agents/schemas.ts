import { z } from "zod";

const flag = z.preprocess((v) => v === true || v === "on" || v === "true", z.boolean());

export const updateAgentPolicySchema = z
  .object({
    mode: z.enum(["enabled", "groups", "disabled"]),
    allowedGroupIds: z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.string().uuid("Unknown group")).max(100)),
    pullRequests: flag,
    issues: flag,
    reviewComments: flag,
  })
  .refine((p) => p.mode !== "groups" || p.allowedGroupIds.length > 0, { path: ["allowedGroupIds"], message: "Choose at least one group" });
export type UpdateAgentPolicyInput = z.infer<typeof updateAgentPolicySchema>;
