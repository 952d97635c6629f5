import { and, asc, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { hostAuthTokens, memberships, organizations, scmIntegrations, users } from "@/db/schema";
import { seal } from "@/lib/crypto/sealed-box";
import { createIntegration } from "@/lib/integrations/create-integration";
import { createIntegrationSchema, updateIntegrationSchema } from "@/lib/integrations/schemas";
import { hostForSealing } from "@/lib/integrations/seal-host";
import { updateIntegration } from "@/lib/integrations/update-integration";
import { completeSetup } from "@/lib/orgs/complete-setup";
import type { Actor } from "@/lib/users/actor";
import { DEMO_ADMIN, DEMO_ORG_NAME, DEMO_PROVIDERS, type DemoProvider } from "./config";
import { ensureLocalRunner, type LocalRunner } from "./local-runner";
import type { DemoState } from "./state";

export type DemoIntegration = { integrationId: string; host: string; baseUrl: string };

export type DemoPlane = {
  orgId: string;
  admin: Actor;
  runner: LocalRunner;
  integrations: Record<DemoProvider, DemoIntegration>;
  /** Whether this run created the organization (the first run). */
  createdOrg: boolean;
  /** Connections left from an earlier run, removed because the sandbox no longer knows their tokens. */
  clearedConnections: number;
};

async function ensureOrganization(db: Db, state: DemoState): Promise<{ admin: Actor; created: boolean }> {
  const [org] = await db.select({ id: organizations.id }).from(organizations).orderBy(asc(organizations.createdAt)).limit(1);
  if (!org) await completeSetup({ db, orgName: DEMO_ORG_NAME, name: DEMO_ADMIN.name, email: DEMO_ADMIN.email, password: state.adminPassword });
  const [row] = await db
    .select({ userId: users.id, email: users.email, name: users.name, orgId: organizations.id, orgName: organizations.name })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    .where(eq(memberships.role, "admin"))
    .orderBy(asc(organizations.createdAt), asc(memberships.createdAt))
    .limit(1);
  if (!row) throw new Error("The demo database has an organization without an admin. Delete the demo data directory to start over.");
  return { admin: { ...row, role: "admin" }, created: !org };
}

/**
 * Creates the provider's integration on the runner, or repairs the one there: a client id that is
 * no longer the sandbox application's, or a client secret sealed to a key the runner no longer
 * has, is replaced. Methods an admin turned off in the demo stay off. Adopts an existing
 * integration's id into `state`, so the sandbox registers the callback URL the app will use.
 */
async function ensureIntegration(db: Db, admin: Actor, runner: LocalRunner, provider: DemoProvider, webUrl: string, state: DemoState): Promise<DemoIntegration> {
  const own = state.providers[provider];
  const host = hostForSealing(provider, "self_hosted", webUrl);
  if (!host) throw new Error(`The sandbox URL ${webUrl} is not a host.`);
  const sealSecret = () => seal(runner.key.publicKey, { purpose: "oauth_client_secret", runnerId: runner.runnerId, host }, own.clientSecret);

  const [existing] = await db
    .select()
    .from(scmIntegrations)
    .where(and(eq(scmIntegrations.runnerId, runner.runnerId), eq(scmIntegrations.host, host)));
  if (!existing) {
    const [elsewhere] = await db.select({ host: scmIntegrations.host }).from(scmIntegrations).where(eq(scmIntegrations.id, own.integrationId));
    if (elsewhere) throw new Error(`The demo's ${provider} integration is for ${elsewhere.host}, but the sandbox runs at ${host}. Delete the demo data directory to start over.`);
    const input = createIntegrationSchema.parse({
      runnerId: runner.runnerId,
      integrationId: own.integrationId,
      provider,
      deployment: "self_hosted",
      host: webUrl,
      oauthEnabled: true,
      oauthClientId: own.clientId,
      oauthClientSecretSealed: await sealSecret(),
      oauthSecretHost: host,
      patEnabled: true,
      // Not tested now: a test job must be picked up within seconds, and the runner only connects
      // once the app has started. Save & Test in Settings > Runners runs it on demand.
      test: false,
    });
    await createIntegration({ db, actor: admin, input, allowLoopback: true });
    return { integrationId: own.integrationId, host, baseUrl: webUrl };
  }

  own.integrationId = existing.id;
  const stale = existing.oauthEnabled && (existing.oauthClientId !== own.clientId || existing.oauthSecretKeyId !== runner.key.keyId);
  if (stale) {
    const input = updateIntegrationSchema.parse({
      integrationId: existing.id,
      oauthEnabled: true,
      oauthClientId: own.clientId,
      oauthClientSecretSealed: await sealSecret(),
      oauthSecretHost: host,
      patEnabled: existing.patEnabled,
      test: false,
    });
    await updateIntegration({ db, actor: admin, input, allowLoopback: true });
  }
  return { integrationId: existing.id, host, baseUrl: existing.baseUrl };
}

/**
 * The management plane's side of the demo, idempotent: organization "Demo" and its admin (first
 * run only, through first-run setup), the "Local runner" registered with its key on disk, and the
 * sandbox GitHub and GitLab integrations with OAuth (client secret sealed to the runner) and PATs.
 * `webUrls` are the sandbox hosts, `planeUrl` the app's URL the runner connects to.
 */
export async function seedPlane(opts: { db: Db; state: DemoState; webUrls: Record<DemoProvider, string>; runnerDir: string; planeUrl: string }): Promise<DemoPlane> {
  const { db, state } = opts;
  const { admin, created } = await ensureOrganization(db, state);
  const runner = await ensureLocalRunner({ db, runnerDir: opts.runnerDir, planeUrl: opts.planeUrl });
  const integrations = {} as Record<DemoProvider, DemoIntegration>;
  for (const provider of DEMO_PROVIDERS) {
    integrations[provider] = await ensureIntegration(db, admin, runner, provider, opts.webUrls[provider], state);
  }
  // The sandbox starts empty on every run, so tokens it issued before are unknown to it now.
  // Showing those connections as "connected" until the first use fails would only confuse.
  const cleared = await db.delete(hostAuthTokens).where(eq(hostAuthTokens.runnerId, runner.runnerId)).returning({ id: hostAuthTokens.id });
  return { orgId: admin.orgId, admin, runner, integrations, createdOrg: created, clearedConnections: cleared.length };
}
