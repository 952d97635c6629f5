import { generateKeyPair, keyIdOf } from "@/lib/crypto/sealed-box";
import { saveRegistration, type StoredCredentials } from "./data-dir";
import { createPlaneClient } from "./plane-client";
import { RUNNER_VERSION } from "./version";

/**
 * Registers this runner with the management plane: generates a fresh X25519 key pair, exchanges
 * the one-time registration token for an access token while uploading the public key, and only
 * then writes both to the data directory. A refused token therefore leaves the previous
 * registration untouched; a successful re-registration replaces the key (key rotation).
 * Throws PlaneError (`registration_token_invalid`, ...) or PlaneUnreachableError.
 */
export async function registerRunner(opts: { planeUrl: string; registrationToken: string; dataDir: string }): Promise<StoredCredentials> {
  const keys = await generateKeyPair();
  const keyId = await keyIdOf(keys.publicKey);
  const client = createPlaneClient({ planeUrl: opts.planeUrl });
  const response = await client.register({ registrationToken: opts.registrationToken.trim(), publicKey: keys.publicKey, version: RUNNER_VERSION });
  if (response.keyId !== keyId) {
    // The plane derived another id from our key: something between us rewrote the request.
    throw new Error("The management plane recorded a different key than the one this runner sent; registration not saved.");
  }
  const now = new Date().toISOString();
  const credentials: StoredCredentials = {
    planeUrl: client.planeUrl,
    runnerId: response.runnerId,
    name: response.name,
    accessToken: response.accessToken,
    keyId,
    fingerprint: response.fingerprint,
    registeredAt: now,
  };
  await saveRegistration(opts.dataDir, { ...keys, keyId, createdAt: now }, credentials);
  return credentials;
}
