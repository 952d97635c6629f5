import { keyIdOf, openSealed, seal, type RunnerKeyPair } from "@/lib/crypto/sealed-box";

/**
 * Whose tokens a box holds: the context every `access_token` / `refresh_token` box carries, so a
 * box cannot be replayed into another runner, integration, user or generation.
 */
export type TokenOwner = { runnerId: string; integrationId: string; userId: string; generation: number };

export type SealedTokens = { tokenSealed: string; refreshTokenSealed: string | null; keyId: string };

/** Seals a user's tokens to this runner's own public key, each with its full context. */
export async function sealTokens(keys: RunnerKeyPair, owner: TokenOwner, tokens: { accessToken: string; refreshToken: string | null }): Promise<SealedTokens> {
  const context = { runnerId: owner.runnerId, integrationId: owner.integrationId, userId: owner.userId, generation: owner.generation };
  const [tokenSealed, refreshTokenSealed, keyId] = await Promise.all([
    seal(keys.publicKey, { ...context, purpose: "access_token" }, tokens.accessToken),
    tokens.refreshToken === null ? null : seal(keys.publicKey, { ...context, purpose: "refresh_token" }, tokens.refreshToken),
    keyIdOf(keys.publicKey),
  ]);
  return { tokenSealed, refreshTokenSealed, keyId };
}

/**
 * Opens a user's token boxes, refusing (with `SealError`) any box sealed to another key or for
 * another runner, integration, user, generation or purpose.
 */
export async function openTokens(keys: RunnerKeyPair, owner: TokenOwner, boxes: { tokenSealed: string; refreshTokenSealed: string | null }): Promise<{ accessToken: string; refreshToken: string | null }> {
  const context = { runnerId: owner.runnerId, integrationId: owner.integrationId, userId: owner.userId, generation: owner.generation };
  const access = await openSealed(keys, boxes.tokenSealed, { ...context, purpose: "access_token" });
  const refresh = boxes.refreshTokenSealed === null ? null : await openSealed(keys, boxes.refreshTokenSealed, { ...context, purpose: "refresh_token" });
  return { accessToken: access.value, refreshToken: refresh?.value ?? null };
}
