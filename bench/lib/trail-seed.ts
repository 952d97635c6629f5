import crypto from "node:crypto";
import type { agentActivity, ProviderIdDb, scmEvents } from "../../db/schema";
import { toolCapabilities, type ToolName } from "../../lib/agents/capabilities";

/** A seeded host credential: whose, and on which runner and host. */
export type TokenSeed = { integration: { id: string; runnerId: string; host: string; provider: ProviderIdDb }; userId: string };
/** A seeded environment, as agent tool calls refer to it. */
export type EnvironmentSeed = { id: string; ownerId: string; runnerId: string; host: string; repoPath: string; status?: string };

const DAY = 86_400_000;

/**
 * `count` agent tool calls over the last 30 days in the ready environments, every tenth in an
 * environment of a `featured` owner (the users the benchmark signs in as): mostly succeeded, some
 * failed or refused by policy (with the check that refused), a few pending.
 */
export function agentActivityRows(opts: { orgId: string; environments: EnvironmentSeed[]; featured: Set<string>; count: number; random: () => number }): Array<typeof agentActivity.$inferInsert> {
  const { random } = opts;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const now = Date.now();
  const ready = opts.environments.filter((e) => e.status === "ready");
  const featuredEnvs = ready.filter((e) => opts.featured.has(e.ownerId));
  const tools = Object.keys(toolCapabilities) as ToolName[];
  return Array.from({ length: opts.count }, (_, n) => {
    const env = n % 10 === 0 && featuredEnvs.length > 0 ? pick(featuredEnvs) : pick(ready);
    const tool = pick(tools);
    const r = random();
    const outcome = r < 0.8 ? "succeeded" : r < 0.88 ? "failed" : r < 0.98 ? "refused" : "pending";
    const refusedBy = toolCapabilities[tool] === "repository" || random() < 0.5 ? "not_in_allowed_group" : "capability_off";
    return {
      orgId: opts.orgId,
      environmentId: env.id,
      ownerId: env.ownerId,
      runnerId: env.runnerId,
      tool,
      capability: toolCapabilities[tool],
      provider: env.host === "gitlab.com" ? "gitlab" : "github",
      host: env.host,
      repository: env.repoPath,
      outcome,
      errorCode: outcome === "failed" ? "repository_permission_denied" : outcome === "refused" ? "scm_tools_not_allowed" : null,
      refusalReason: outcome === "refused" ? refusedBy : null,
      resultUrl: outcome === "succeeded" && tool.startsWith("create_") ? `https://${env.host}/${env.repoPath}/pull/${n}` : null,
      durationMs: 50 + Math.floor(random() * 1500),
      at: new Date(now - Math.floor(random() * 30 * DAY)),
    };
  });
}

/**
 * `count` rows of the diagnostic trail: operations of one to three stages under one correlation
 * id, on the seeded credentials; four fifths within Diagnostics' default 7 days, an eighth failed.
 */
export function scmEventRows(opts: { orgId: string; tokens: TokenSeed[]; count: number; random: () => number }): Array<typeof scmEvents.$inferInsert> {
  const { random } = opts;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const now = Date.now();
  const operations = ["clone", "pat.validate", "oauth.exchange", "token.refresh", "credential.fetch", "agent.tool_call"] as const;
  const rows: Array<typeof scmEvents.$inferInsert> = [];
  while (rows.length < opts.count) {
    const t = pick(opts.tokens);
    const operation = pick(operations);
    const correlationId = `bench-${crypto.randomBytes(8).toString("hex")}`;
    const at = now - Math.floor(random() * (random() < 0.8 ? 7 : 60) * DAY);
    const failed = random() < 0.12;
    const stages = ["request", "runner", "provider"].slice(0, 1 + Math.floor(random() * 3));
    stages.forEach((stage, k) => {
      const last = k === stages.length - 1;
      rows.push({
        orgId: opts.orgId,
        at: new Date(at + k * 150),
        actorType: k === 0 ? "user" : "runner",
        actorId: k === 0 ? t.userId : null,
        runnerId: t.integration.runnerId,
        integrationId: t.integration.id,
        userId: t.userId,
        host: t.integration.host,
        provider: t.integration.provider,
        operation,
        stage,
        outcome: !last ? "started" : failed ? "failed" : "succeeded",
        errorCode: last && failed ? pick(["pat_invalid", "pat_expired", "repository_not_found", "host_unreachable", "credential_needs_reauth"]) : null,
        durationMs: last ? 20 + Math.floor(random() * 2000) : null,
        correlationId,
        detail: last && failed ? { status: 401 } : {},
      });
    });
  }
  rows.length = opts.count;
  return rows;
}

/**
 * The trail of the environment whose page the benchmark opens: its clone (requested, cloning,
 * ready), agent tool calls, and `gitRequests` git credential requests served by its runner, so the
 * page's state history and last git operations are full lists, as on an environment in use.
 */
export function environmentTrailRows(opts: { orgId: string; environment: EnvironmentSeed; integrationId: string; history: number; gitRequests: number; random: () => number }): Array<typeof scmEvents.$inferInsert> {
  const { environment: env, random } = opts;
  const now = Date.now();
  const base = { orgId: opts.orgId, runnerId: env.runnerId, integrationId: opts.integrationId, userId: env.ownerId, host: env.host, provider: env.host === "gitlab.com" ? "gitlab" : "github", environmentId: env.id } as const;
  const cloneId = `bench-clone-${crypto.randomBytes(6).toString("hex")}`;
  const cloneAt = now - 20 * DAY;
  const rows: Array<typeof scmEvents.$inferInsert> = [
    { ...base, at: new Date(cloneAt), actorType: "user", actorId: env.ownerId, operation: "clone", stage: "request", outcome: "started", correlationId: cloneId, detail: {} },
    { ...base, at: new Date(cloneAt + 2_000), actorType: "runner", operation: "clone", stage: "cloning", outcome: "started", correlationId: cloneId, detail: {} },
    { ...base, at: new Date(cloneAt + 30_000), actorType: "runner", operation: "clone", stage: "ready", outcome: "succeeded", durationMs: 30_000, correlationId: cloneId, detail: {} },
  ];
  while (rows.length < opts.history) {
    const failed = random() < 0.1;
    rows.push({ ...base, at: new Date(now - Math.floor(random() * 19 * DAY)), actorType: "runner", operation: "agent.tool_call", stage: "provider", outcome: failed ? "failed" : "succeeded", errorCode: failed ? "repository_permission_denied" : null, durationMs: 50 + Math.floor(random() * 1500), correlationId: null, detail: {} });
  }
  for (let n = 0; n < opts.gitRequests; n++) {
    rows.push({ ...base, at: new Date(now - Math.floor(random() * 19 * DAY)), actorType: "runner", operation: "git.credential", stage: "served", outcome: "succeeded", durationMs: 2 + Math.floor(random() * 30), correlationId: null, detail: { environmentId: env.id } });
  }
  return rows;
}
