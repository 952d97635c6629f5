import { getSodium } from "./sodium";

/**
 * Sealed boxes: libsodium `crypto_box_seal` (X25519 + XSalsa20-Poly1305) addressed to one runner's
 * public key. Only the runner holding the private key can open one; the management plane stores
 * and forwards them. Inside every box is its context, which the runner checks against what it asked
 * for, so a box cannot be replayed into another runner, integration, user or purpose.
 *
 * Wire format: `sbx1.<keyId>.<base64url ciphertext>`. The key id is readable without opening the
 * box, so a box sealed to an old or wrong key is recognised before anything is stored.
 */
export const SEALED_PREFIX = "sbx1";

export type SealPurpose =
  | "oauth_client_secret"
  | "pat"
  | "access_token"
  | "refresh_token"
  | "oauth_code"
  | "pkce_verifier";

export type SealContext = {
  purpose: SealPurpose;
  runnerId: string;
  /** The host the secret belongs to (normalized `host[:port]`). */
  host?: string;
  integrationId?: string;
  userId?: string;
  generation?: number;
  /** Epoch milliseconds after which the runner refuses the box. */
  expiresAt?: number;
};

type Envelope = { v: 1; ctx: SealContext; value: string };

/** Thrown when a sealed box is malformed, sealed to another key, or opened for the wrong context. */
export class SealError extends Error {
  constructor(
    readonly reason: "malformed" | "wrong_key" | "cannot_open" | "context_mismatch" | "expired",
    message: string,
  ) {
    super(message);
    this.name = "SealError";
  }
}

const B64URL = 7; // sodium.base64_variants.URLSAFE_NO_PADDING

/** A short, stable id of a public key (16 bytes of BLAKE2b, base64url). */
export async function keyIdOf(publicKeyB64: string): Promise<string> {
  const sodium = await getSodium();
  return sodium.to_base64(sodium.crypto_generichash(16, decodeKey(sodium, publicKeyB64), null), B64URL);
}

/** The fingerprint admins compare with the runner's output: 32 bytes of BLAKE2b as colon-separated hex pairs. */
export async function fingerprintOf(publicKeyB64: string): Promise<string> {
  const sodium = await getSodium();
  const hash = sodium.crypto_generichash(32, decodeKey(sodium, publicKeyB64), null);
  return Array.from(hash.slice(0, 16), (b) => b.toString(16).padStart(2, "0")).join(":");
}

function decodeKey(sodium: Awaited<ReturnType<typeof getSodium>>, publicKeyB64: string): Uint8Array {
  let key: Uint8Array;
  try {
    key = sodium.from_base64(publicKeyB64, sodium.base64_variants.ORIGINAL);
  } catch {
    throw new SealError("malformed", "The public key is not base64.");
  }
  if (key.length !== sodium.crypto_box_PUBLICKEYBYTES) throw new SealError("malformed", "The public key is not an X25519 key.");
  return key;
}

/** Whether a string is a public key this module accepts (base64 of 32 bytes). */
export async function isPublicKey(publicKeyB64: string): Promise<boolean> {
  const sodium = await getSodium();
  try {
    decodeKey(sodium, publicKeyB64);
    return true;
  } catch {
    return false;
  }
}

/** Seals `value` with its context to the runner key `publicKeyB64`. Runs in Node and in the browser. */
export async function seal(publicKeyB64: string, ctx: SealContext, value: string): Promise<string> {
  const sodium = await getSodium();
  const key = decodeKey(sodium, publicKeyB64);
  const envelope: Envelope = { v: 1, ctx, value };
  const box = sodium.crypto_box_seal(sodium.from_string(JSON.stringify(envelope)), key);
  return `${SEALED_PREFIX}.${await keyIdOf(publicKeyB64)}.${sodium.to_base64(box, B64URL)}`;
}

/** Reads the key id of a sealed box without opening it; throws SealError("malformed") if it is not one. */
export function sealedKeyId(sealed: string): string {
  const parts = sealed.split(".");
  if (parts.length !== 3 || parts[0] !== SEALED_PREFIX || !/^[A-Za-z0-9_-]{22}$/.test(parts[1] ?? "") || !/^[A-Za-z0-9_-]{64,}$/.test(parts[2] ?? "")) {
    throw new SealError("malformed", "This is not a sealed box.");
  }
  return parts[1]!;
}

export type RunnerKeyPair = { publicKey: string; privateKey: string };

/**
 * Opens a sealed box with the runner's key pair and checks its context: every field of `expect`
 * must equal the box's, and an `expiresAt` in the box must be in the future.
 */
export async function openSealed(keys: RunnerKeyPair, sealed: string, expect: Partial<SealContext>): Promise<{ ctx: SealContext; value: string }> {
  const sodium = await getSodium();
  const keyId = sealedKeyId(sealed);
  if (keyId !== (await keyIdOf(keys.publicKey))) throw new SealError("wrong_key", "The box was sealed to another key.");
  let plain: Uint8Array;
  try {
    plain = sodium.crypto_box_seal_open(
      sodium.from_base64(sealed.split(".")[2]!, B64URL),
      sodium.from_base64(keys.publicKey, sodium.base64_variants.ORIGINAL),
      sodium.from_base64(keys.privateKey, sodium.base64_variants.ORIGINAL),
    );
  } catch {
    throw new SealError("cannot_open", "The box could not be opened with this runner's key.");
  }
  let envelope: Envelope;
  try {
    envelope = JSON.parse(sodium.to_string(plain)) as Envelope;
  } catch {
    throw new SealError("malformed", "The box's content is not an envelope.");
  }
  if (envelope?.v !== 1 || typeof envelope.value !== "string" || !envelope.ctx) throw new SealError("malformed", "The box's content is not an envelope.");
  for (const [field, wanted] of Object.entries(expect)) {
    if (wanted !== undefined && envelope.ctx[field as keyof SealContext] !== wanted) {
      throw new SealError("context_mismatch", `The box was sealed for another ${field}.`);
    }
  }
  if (envelope.ctx.expiresAt !== undefined && envelope.ctx.expiresAt < Date.now()) throw new SealError("expired", "The box has expired.");
  return { ctx: envelope.ctx, value: envelope.value };
}

/** Generates a runner key pair (base64). */
export async function generateKeyPair(): Promise<RunnerKeyPair> {
  const sodium = await getSodium();
  const kp = sodium.crypto_box_keypair();
  return {
    publicKey: sodium.to_base64(kp.publicKey, sodium.base64_variants.ORIGINAL),
    privateKey: sodium.to_base64(kp.privateKey, sodium.base64_variants.ORIGINAL),
  };
}
