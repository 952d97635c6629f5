import type { Db } from "@/db/client";
import { normalizePlaneUrl } from "@/runner/plane-client";
import type { Sandbox } from "@/sandbox";
import { runnerDataDir } from "./config";
import { seedPlane, type DemoPlane } from "./seed-plane";
import { seedSandbox, type DemoSandboxSeed } from "./seed-sandbox";
import { writeDemoState, type DemoState } from "./state";

export type DemoSeed = { state: DemoState; plane: DemoPlane; sandbox: DemoSandboxSeed };

/**
 * Seeds (first run) or reconciles (later runs) everything `npm run demo` needs, with the sandbox
 * already running and the database open in this process: the management plane first, since the
 * integration ids it settles on are part of the OAuth applications' callback URLs; then the state
 * file (the ids may have been adopted from the database); then the sandbox, which starts empty
 * every time. `publicBaseUrl` is the app's address, which the runner also connects to.
 */
export async function seedDemo(opts: { db: Db; sandbox: Sandbox; state: DemoState; dataDir: string; publicBaseUrl: string }): Promise<DemoSeed> {
  const { urls } = opts.sandbox;
  const plane = await seedPlane({
    db: opts.db,
    state: opts.state,
    webUrls: { github: urls.github.web, gitlab: urls.gitlab.web },
    runnerDir: runnerDataDir(opts.dataDir),
    planeUrl: normalizePlaneUrl(opts.publicBaseUrl),
  });
  await writeDemoState(opts.dataDir, opts.state);
  const sandbox = await seedSandbox({ sandbox: opts.sandbox, state: opts.state, publicBaseUrl: opts.publicBaseUrl });
  return { state: opts.state, plane, sandbox };
}
