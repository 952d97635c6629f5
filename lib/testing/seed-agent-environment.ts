import crypto from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { environments, hostAuthTokens, runners, scmIntegrations } from "@/db/schema";
import type { ProviderId } from "../providers";

const defaultHosts: Record<ProviderId, string> = {
  github: "github.com",
  gitlab: "gitlab.com",
  bitbucket: "bitbucket.org",
  azure_devops: "dev.azure.com",
};

export type SeedAgentEnvironmentInput = {
  db: Db;
  orgId: string;
  runnerId: string;
  ownerId: string;
  provider?: ProviderId;
  /**
   * The owner's credential for the host: "connected" (usable), "needs_reauth" (marked by the
   * runner), or "none" (never connected, or disconnected).
   */
  credential?: "connected" | "needs_reauth" | "none";
  repoPath?: string;
};

/**
 * A ready environment on a runner, with the runner's integration for the provider's host and,
 * optionally, the owner's credential row, written directly: what agent tool calls need to be
 * decided, without an OAuth flow or a clone. The credential's "sealed" token is a placeholder:
 * nothing ever opens it.
 */
export async function seedAgentEnvironment(opts: SeedAgentEnvironmentInput): Promise<{ environmentId: string; environmentName: string; integrationId: string; host: string; repoPath: string }> {
  const provider = opts.provider ?? "github";
  const host = defaultHosts[provider];
  const repoPath = opts.repoPath ?? (provider === "azure_devops" ? "acme/web/_git/app" : "acme/app");
  const [runner] = await opts.db.select({ keyId: runners.keyId }).from(runners).where(eq(runners.id, opts.runnerId));
  if (!runner?.keyId) throw new Error("the runner is not registered");
  await opts.db
    .insert(scmIntegrations)
    .values({ orgId: opts.orgId, runnerId: opts.runnerId, provider, host, baseUrl: `https://${host}`, oauthEnabled: true, oauthClientId: "test-client", patEnabled: true })
    .onConflictDoNothing();
  const [integration] = await opts.db
    .select({ id: scmIntegrations.id })
    .from(scmIntegrations)
    .where(and(eq(scmIntegrations.runnerId, opts.runnerId), eq(scmIntegrations.host, host)));
  if (!integration) throw new Error("integration missing");
  const name = `env-${crypto.randomBytes(3).toString("hex")}`;
  const [environment] = await opts.db
    .insert(environments)
    .values({
      orgId: opts.orgId,
      ownerId: opts.ownerId,
      runnerId: opts.runnerId,
      integrationId: integration.id,
      name,
      repoUrl: `https://${host}/${repoPath}.git`,
      host,
      repoPath,
      status: "ready",
      readyAt: new Date(),
    })
    .returning({ id: environments.id });
  if (!environment) throw new Error("insert returned no row");
  const credential = opts.credential ?? "connected";
  if (credential !== "none") {
    await opts.db
      .insert(hostAuthTokens)
      .values({
        orgId: opts.orgId,
        runnerId: opts.runnerId,
        integrationId: integration.id,
        userId: opts.ownerId,
        host,
        source: "oauth",
        tokenSealed: "sbx1.placeholder.never-opened",
        keyId: runner.keyId,
        subjectLogin: "owner",
        needsReauthReason: credential === "needs_reauth" ? "token_revoked" : null,
      })
      .onConflictDoNothing();
  }
  return { environmentId: environment.id, environmentName: name, integrationId: integration.id, host, repoPath };
}
