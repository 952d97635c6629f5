import { log } from "@/runner/log";
import { forgetRegistration, loadRegistration } from "./data-dir";
import { createPlaneClient, normalizePlaneUrl, PlaneError } from "./plane-client";
import { registerRunner } from "./register";
import { sleep } from "./sleep";
import { runWorker } from "./worker";

/** How often the embedded runner asks the app again while it starts or awaits first-run setup. */
const BOOTSTRAP_RETRY_MS = 2_000;

/** The embedded runner's settings, from the environment `npm start` (or `npm run dev`) gives it. */
export type EmbeddedConfig = { planeUrl: string; bootstrapSecret: string; dataDir: string; concurrency?: number; shutdownGraceMs?: number };

/** Reads `RUNNER_PLANE_URL` and `LOCAL_RUNNER_BOOTSTRAP_SECRET`, or names the ones missing. */
export function embeddedConfigFromEnv(env: NodeJS.ProcessEnv): { planeUrl: string; bootstrapSecret: string } | { missing: string[] } {
  const missing = ["RUNNER_PLANE_URL", "LOCAL_RUNNER_BOOTSTRAP_SECRET"].filter((name) => !env[name]);
  if (missing.length > 0) return { missing };
  return { planeUrl: env.RUNNER_PLANE_URL!, bootstrapSecret: env.LOCAL_RUNNER_BOOTSTRAP_SECRET! };
}

/**
 * Asks the app for a registration token for its "Local runner" until it gets one. Before the app
 * listens, and before first-run setup has created the organization (404), it waits quietly: that is
 * the normal state of a fresh `npm start`, said once, not every two seconds.
 */
async function bootstrapToken(config: EmbeddedConfig, stop: AbortSignal): Promise<string | null> {
  const client = createPlaneClient({ planeUrl: config.planeUrl });
  let said: string | null = null;
  const sayOnce = (event: string, fields: Record<string, unknown>) => {
    if (said !== event) log.info(event, fields);
    said = event;
  };
  while (!stop.aborted) {
    try {
      return (await client.localBootstrap(config.bootstrapSecret)).registrationToken;
    } catch (e) {
      if (e instanceof PlaneError && e.code === "not_found") sayOnce("runner.awaiting_setup", { setupUrl: `${client.planeUrl}/setup` });
      else if (e instanceof PlaneError) log.warn("runner.bootstrap_failed", { errorCode: e.code, status: e.status });
      else sayOnce("runner.awaiting_app", { planeUrl: client.planeUrl });
    }
    await sleep(BOOTSTRAP_RETRY_MS, stop);
  }
  return null;
}

/**
 * Waits quietly until the app answers this runner (it may still be starting or compiling the
 * route). Returns false when the app refuses the runner's token, so it registers again.
 */
async function awaitApp(planeUrl: string, accessToken: string, stop: AbortSignal): Promise<boolean> {
  const client = createPlaneClient({ planeUrl, accessToken });
  let said = false;
  while (!stop.aborted) {
    try {
      await client.me(stop);
      return true;
    } catch (e) {
      if (e instanceof PlaneError && e.code === "runner_token_invalid") return false;
      // Any other answer means the app is up; the worker deals with it (and says so).
      if (e instanceof PlaneError) return true;
      if (!said) log.info("runner.awaiting_app", { planeUrl });
      said = true;
    }
    await sleep(BOOTSTRAP_RETRY_MS, stop);
  }
  return true;
}

/**
 * `start --embedded`: the local runner `npm start` (and `npm run dev`) starts next to the app. It registers itself
 * through the app's local bootstrap endpoint (once the organization exists) unless it already has a
 * registration for this app, then works like any runner. If the app later refuses its token (the
 * runner was deleted, or the database was reset), it registers again instead of stopping.
 */
export async function runEmbedded(config: EmbeddedConfig, stop: AbortSignal): Promise<void> {
  const planeUrl = normalizePlaneUrl(config.planeUrl);
  while (!stop.aborted) {
    const existing = await loadRegistration(config.dataDir);
    const accepted = existing !== null && existing.credentials.planeUrl === planeUrl && (await awaitApp(planeUrl, existing.credentials.accessToken, stop));
    if (stop.aborted) return;
    if (!accepted) {
      const token = await bootstrapToken(config, stop);
      if (token === null) return;
      try {
        const registered = await registerRunner({ planeUrl, registrationToken: token, dataDir: config.dataDir });
        log.info("runner.registered", { runnerId: registered.runnerId, name: registered.name, fingerprint: registered.fingerprint, dataDir: config.dataDir });
      } catch (e) {
        // The app restarted or the token was replaced in between: ask for a new one.
        log.warn("runner.register_failed", { errorCode: e instanceof PlaneError ? e.code : undefined, reason: e instanceof Error ? e.message : String(e) });
        await sleep(BOOTSTRAP_RETRY_MS, stop);
        continue;
      }
    }
    const exit = await runWorker({ dataDir: config.dataDir, stop, concurrency: config.concurrency, shutdownGraceMs: config.shutdownGraceMs });
    if (exit === "stopped") return;
    await forgetRegistration(config.dataDir);
    log.warn("runner.reregistering", { reason: "The app no longer accepts this runner's token." });
    await sleep(BOOTSTRAP_RETRY_MS, stop);
  }
}
