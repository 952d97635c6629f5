import crypto from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { PASSWORD_MAX, PASSWORD_MIN } from "@/lib/passwords/limits";
import { DEMO_PROVIDERS, type DemoProvider } from "./config";

/**
 * The demo's memory between runs. The sandbox keeps everything in memory, so each start registers
 * its OAuth applications again; they must come back with the same client ids and secrets, and with
 * callback URLs naming the same integrations, or the integrations stored in the database would stop
 * matching them. This file (0600, inside the gitignored demo data dir) is what makes that possible.
 * It holds the sandbox's side of things only: the management plane still sees the client secrets
 * sealed to the runner.
 */

export const STATE_FILE = "demo-state.json";

const providerState = z.object({
  integrationId: z.uuid(),
  clientId: z.string().min(1),
  clientSecret: z.string().min(8),
});

const stateSchema = z.object({
  version: z.literal(1),
  /** The sandbox port base the integrations' hosts were created with. */
  portBase: z.number().int().min(1).max(65_526),
  adminPassword: z.string().min(PASSWORD_MIN).max(PASSWORD_MAX),
  providers: z.object({ github: providerState, gitlab: providerState }),
});

export type DemoState = z.infer<typeof stateSchema>;
export type DemoProviderState = DemoState["providers"][DemoProvider];

/** Client credentials shaped like each provider's, so what the forms and logs show looks familiar. */
function newClient(provider: DemoProvider): { clientId: string; clientSecret: string } {
  const hex = (bytes: number) => crypto.randomBytes(bytes).toString("hex");
  if (provider === "github") return { clientId: `Ov23li${hex(7)}`, clientSecret: hex(20) };
  return { clientId: hex(32), clientSecret: `gloas-${hex(32)}` };
}

/** A fresh state: new integration ids, client credentials and (unless given) admin password. */
export function newDemoState(opts: { portBase: number; password?: string }): DemoState {
  const providers = Object.fromEntries(DEMO_PROVIDERS.map((p) => [p, { integrationId: crypto.randomUUID(), ...newClient(p) }])) as DemoState["providers"];
  return {
    version: 1,
    portBase: opts.portBase,
    adminPassword: opts.password ?? `demo-${crypto.randomBytes(9).toString("base64url")}`,
    providers,
  };
}

/** The saved state, or null before the first run. A damaged file is an error naming the file. */
export async function readDemoState(dataDir: string): Promise<DemoState | null> {
  const file = path.join(dataDir, STATE_FILE);
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  const result = stateSchema.safeParse(parsed);
  if (!result.success) throw new Error(`${file} is damaged. Delete ${dataDir} to start the demo over.`);
  return result.data;
}

/** Writes the state atomically and private to this user (it holds the sandbox's client secrets). */
export async function writeDemoState(dataDir: string, state: DemoState): Promise<void> {
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const target = path.join(dataDir, STATE_FILE);
  const temp = `${target}.${crypto.randomBytes(6).toString("hex")}.tmp`;
  await fs.writeFile(temp, JSON.stringify(state, null, 2) + "\n", { mode: 0o600, flag: "wx" });
  await fs.rename(temp, target);
}
