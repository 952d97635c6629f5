import crypto from "node:crypto";
import type { Db } from "@/db/client";
import { runners, runnerTokens } from "@/db/schema";
import { generateKeyPair } from "../crypto/sealed-box";
import { registerRunner } from "../runners/register-runner";
import { generateRunnerToken, hashRunnerToken, REGISTRATION_TOKEN_TTL_MS } from "../runners/tokens";

/**
 * A runner of `orgId` registered through the real registration path, for end-to-end tests that
 * act as a runner over the runner API without starting a runner process. The private key is
 * thrown away: such a runner can answer policy checks but never open a sealed box.
 */
export async function seedRegisteredRunner(opts: { db: Db; orgId: string; name?: string }): Promise<{ runnerId: string; accessToken: string; keyId: string }> {
  const registrationToken = generateRunnerToken("registration");
  const name = opts.name ?? `test-runner-${crypto.randomBytes(4).toString("hex")}`;
  const [runner] = await opts.db.insert(runners).values({ orgId: opts.orgId, name }).returning({ id: runners.id });
  if (!runner) throw new Error("insert returned no row");
  await opts.db.insert(runnerTokens).values({ runnerId: runner.id, kind: "registration", tokenHash: hashRunnerToken(registrationToken), expiresAt: new Date(Date.now() + REGISTRATION_TOKEN_TTL_MS) });
  const { publicKey } = await generateKeyPair();
  const registered = await registerRunner({ db: opts.db, request: { registrationToken, publicKey, version: "test" } });
  return { runnerId: runner.id, accessToken: registered.accessToken, keyId: registered.keyId };
}
