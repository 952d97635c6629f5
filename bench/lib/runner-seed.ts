import type { Db } from "../../db/client";
import { generateKeyPair } from "../../lib/crypto/sealed-box";
import { completeSetup } from "../../lib/orgs/complete-setup";
import { createRunner } from "../../lib/runners/create-runner";
import type { RegisterResponse } from "../../lib/runners/protocol";
import type { Actor } from "../../lib/users/actor";
import type { FleetRunner } from "./runner-fleet";

export type CreatedRunners = { orgId: string; runners: Array<{ runnerId: string; registrationToken: string }>; ms: number };

/**
 * An organization (through first-run setup) and `count` runners created the way Settings > Runners
 * creates them, each with its one-time registration token. Runs against the database directly,
 * before the app opens it.
 */
export async function createRunners(db: Db, opts: { count: number; adminEmail: string; adminPassword: string }): Promise<CreatedRunners> {
  const started = Date.now();
  const setup = await completeSetup({ db, orgName: "Bench Org", name: "Bench Admin", email: opts.adminEmail, password: opts.adminPassword });
  const actor: Actor = { userId: setup.userId, orgId: setup.orgId, role: "admin", email: opts.adminEmail, name: "Bench Admin", orgName: "Bench Org" };
  const width = String(opts.count).length;
  const runners: CreatedRunners["runners"] = [];
  for (let i = 1; i <= opts.count; i++) {
    const { runnerId, registrationToken } = await createRunner({ db, actor, name: `bench-runner-${String(i).padStart(width, "0")}` });
    runners.push({ runnerId, registrationToken });
  }
  return { orgId: setup.orgId, runners, ms: Date.now() - started };
}

/**
 * Registers every runner through the running app's `POST /api/runner/v1/register`, each with a key
 * pair of its own, `concurrency` at a time. Returns their access tokens.
 */
export async function registerRunners(
  baseUrl: string,
  created: CreatedRunners["runners"],
  concurrency = 8,
): Promise<{ runners: FleetRunner[]; ms: number }> {
  const started = Date.now();
  const out: FleetRunner[] = new Array<FleetRunner>(created.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < created.length; i = next++) {
      const { publicKey } = await generateKeyPair();
      const res = await fetch(`${baseUrl}/api/runner/v1/register`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ registrationToken: created[i]!.registrationToken, publicKey, version: "bench" }),
      });
      if (res.status !== 201) throw new Error(`POST /register answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
      const body = (await res.json()) as RegisterResponse;
      if (body.runnerId !== created[i]!.runnerId) throw new Error("POST /register registered another runner");
      out[i] = { runnerId: body.runnerId, accessToken: body.accessToken };
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { runners: out, ms: Date.now() - started };
}
