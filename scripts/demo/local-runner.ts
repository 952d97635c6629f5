import type { Db } from "@/db/client";
import { generateKeyPair, keyIdOf } from "@/lib/crypto/sealed-box";
import { AppError } from "@/lib/errors/app-error";
import { authenticateRunner } from "@/lib/runners/authenticate-runner";
import { bootstrapLocalRunner } from "@/lib/runners/bootstrap-local-runner";
import { registerRunner } from "@/lib/runners/register-runner";
import { loadRegistration, saveRegistration, type StoredKey } from "@/runner/data-dir";
import { RUNNER_VERSION } from "@/runner/version";

export type LocalRunner = { runnerId: string; name: string; key: StoredKey; fingerprint: string; registeredNow: boolean };

/**
 * Makes sure the embedded runner starts already registered: its key and credentials in
 * `runnerDir`, exactly as `runner/data-dir.ts` keeps them, match the "Local runner" in the database.
 *
 * The registration is done here, directly against the database, rather than by the runner through
 * the app's bootstrap endpoint, because the integrations' client secrets must be sealed to the
 * runner's key before the app starts (the PGlite directory admits one process at a time). A
 * registration that still matches is kept; only its plane URL follows the app's port, since the
 * embedded runner registers again (with a new key) when the URL it was registered with differs.
 */
export async function ensureLocalRunner(opts: { db: Db; runnerDir: string; planeUrl: string }): Promise<LocalRunner> {
  const existing = await loadRegistration(opts.runnerDir);
  if (existing) {
    const runner = await authenticateRunner({ db: opts.db, token: existing.credentials.accessToken }).catch((e: unknown) => {
      if (e instanceof AppError && e.code === "runner_token_invalid") return null;
      throw e;
    });
    if (runner && runner.id === existing.credentials.runnerId && runner.keyId === existing.key.keyId) {
      if (existing.credentials.planeUrl !== opts.planeUrl) {
        await saveRegistration(opts.runnerDir, existing.key, { ...existing.credentials, planeUrl: opts.planeUrl });
      }
      return { runnerId: runner.id, name: runner.name, key: existing.key, fingerprint: existing.credentials.fingerprint, registeredNow: false };
    }
  }

  // The same path the embedded runner takes through the app: a registration token for the
  // organization's "Local runner" (created the first time), spent on a fresh key pair.
  const { registrationToken } = await bootstrapLocalRunner({ db: opts.db });
  const keys = await generateKeyPair();
  const keyId = await keyIdOf(keys.publicKey);
  const registered = await registerRunner({ db: opts.db, request: { registrationToken, publicKey: keys.publicKey, version: RUNNER_VERSION } });
  const now = new Date().toISOString();
  const key: StoredKey = { ...keys, keyId, createdAt: now };
  await saveRegistration(opts.runnerDir, key, {
    planeUrl: opts.planeUrl,
    runnerId: registered.runnerId,
    name: registered.name,
    accessToken: registered.accessToken,
    keyId,
    fingerprint: registered.fingerprint,
    registeredAt: now,
  });
  return { runnerId: registered.runnerId, name: registered.name, key, fingerprint: registered.fingerprint, registeredNow: true };
}
