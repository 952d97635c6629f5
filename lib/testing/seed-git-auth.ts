import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { hostAuthTokens, organizations, scmIntegrations } from "@/db/schema";
import { generateKeyPair, keyIdOf, seal, type RunnerKeyPair } from "../crypto/sealed-box";
import type { ProviderId } from "../providers";
import { createRunner } from "../runners/create-runner";
import { registerRunner } from "../runners/register-runner";
import type { Actor } from "../users/actor";

export type SeedIntegration = { provider: ProviderId; host: string; baseUrl: string; oauth: boolean; pat: boolean; patScopes?: string[] };

export type SeedToken = {
  /** Index into `integrations`. */
  integration: number;
  userId: string;
  source: "oauth" | "pat";
  login: string;
  scopes: string[];
  expiresInSeconds?: number | null;
  lastValidatedSecondsAgo?: number | null;
  lastUsedSecondsAgo?: number | null;
  needsReauthReason?: "expired" | "revoked" | "runner_key_rotated" | "refresh_failed" | null;
  withRefreshToken?: boolean;
};

export type SeededGitAuth = {
  runnerId: string;
  /** The runner's API access token, so a test can play the runner over HTTP. */
  accessToken: string;
  keys: RunnerKeyPair;
  keyId: string;
  integrationIds: string[];
};

const ago = (seconds: number | null | undefined) => (seconds === null || seconds === undefined ? null : new Date(Date.now() - seconds * 1000));

/**
 * Seeds what end-to-end and integration tests need around Git Authentications: a runner that is
 * registered for real (its key pair returned so the test can open boxes sealed to it), its
 * integrations (OAuth client secret sealed to it), and users' sealed credentials in any state.
 */
export async function seedGitAuth(opts: { db: Db; orgId: string; adminUserId: string; runnerName?: string; integrations: SeedIntegration[]; tokens?: SeedToken[] }): Promise<SeededGitAuth> {
  const [org] = await opts.db.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, opts.orgId));
  const admin: Actor = { userId: opts.adminUserId, orgId: opts.orgId, role: "admin", email: "seed@example.test", name: "Seed", orgName: org?.name ?? "Org" };
  const runnerName = opts.runnerName ?? `runner-${crypto.randomBytes(3).toString("hex")}`;
  const created = await createRunner({ db: opts.db, actor: admin, name: runnerName });
  const keys = await generateKeyPair();
  const registered = await registerRunner({ db: opts.db, request: { registrationToken: created.registrationToken, publicKey: keys.publicKey, version: "test" } });
  const keyId = await keyIdOf(keys.publicKey);
  const runnerId = created.runnerId;

  const integrationIds: string[] = [];
  for (const i of opts.integrations) {
    const [row] = await opts.db
      .insert(scmIntegrations)
      .values({
        orgId: opts.orgId,
        runnerId,
        provider: i.provider,
        host: i.host,
        baseUrl: i.baseUrl,
        oauthEnabled: i.oauth,
        oauthClientId: i.oauth ? "test-client-id" : null,
        oauthClientSecretSealed: i.oauth ? await seal(keys.publicKey, { purpose: "oauth_client_secret", runnerId, host: i.host }, "test-client-secret") : null,
        oauthSecretKeyId: i.oauth ? keyId : null,
        patEnabled: i.pat,
        patScopes: i.patScopes ?? [],
      })
      .returning({ id: scmIntegrations.id });
    integrationIds.push(row!.id);
  }

  for (const t of opts.tokens ?? []) {
    const integration = opts.integrations[t.integration]!;
    const integrationId = integrationIds[t.integration]!;
    const ctx = { runnerId, integrationId, userId: t.userId, generation: 1 };
    await opts.db.insert(hostAuthTokens).values({
      orgId: opts.orgId,
      runnerId,
      integrationId,
      userId: t.userId,
      host: integration.host,
      source: t.source,
      tokenSealed: await seal(keys.publicKey, { ...ctx, purpose: "access_token" }, `seeded-${crypto.randomBytes(8).toString("hex")}`),
      refreshTokenSealed: t.withRefreshToken ? await seal(keys.publicKey, { ...ctx, purpose: "refresh_token" }, `seeded-refresh-${crypto.randomBytes(8).toString("hex")}`) : null,
      keyId,
      scopes: t.scopes,
      subjectLogin: t.login,
      expiresAt: t.expiresInSeconds === null || t.expiresInSeconds === undefined ? null : new Date(Date.now() + t.expiresInSeconds * 1000),
      needsReauthReason: t.needsReauthReason ?? null,
      lastValidatedAt: ago(t.lastValidatedSecondsAgo),
      lastUsedAt: ago(t.lastUsedSecondsAgo),
    });
  }
  return { runnerId, accessToken: registered.accessToken, keys, keyId, integrationIds };
}
