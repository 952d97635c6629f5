import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateKeyPair, type RunnerKeyPair } from "@/lib/crypto/sealed-box";
import type { CredentialMessage } from "@/lib/git-auth/job-payloads";
import { PlaneError } from "../plane-client";
import { createCredentialBroker } from "./credential-broker";
import type { CredentialPlane, NeedsReauthRequest } from "./credential-plane";
import { sealTokens } from "./token-boxes";

const runnerId = crypto.randomUUID();
const userId = crypto.randomUUID();
const integrationId = crypto.randomUUID();
const host = "github.example.com";

async function message(keys: RunnerKeyPair, token: string, overrides: Partial<CredentialMessage> = {}): Promise<CredentialMessage> {
  const sealed = await sealTokens(keys, { runnerId, integrationId, userId, generation: 3 }, { accessToken: token, refreshToken: null });
  return {
    id: crypto.randomUUID(),
    userId,
    host,
    source: "pat",
    ...sealed,
    scopes: ["repo"],
    subjectLogin: "octocat",
    expiresAt: null,
    generation: 3,
    integration: {
      integrationId,
      provider: "github",
      host,
      baseUrl: `https://${host}`,
      issuerUrl: null,
      virtualDirectory: null,
      allowPrivateHosts: false,
      oauthClientId: null,
      oauthClientSecretSealed: null,
      patScopes: ["repo"],
      oauthScopes: [],
    },
    ...overrides,
  };
}

/** A plane answering with `answer` (after a tick, like a network), counting calls and recording re-auth reports. */
function fakePlane(answer: () => Promise<CredentialMessage>) {
  const reauth: NeedsReauthRequest[] = [];
  let calls = 0;
  const plane: CredentialPlane = {
    credential: async () => {
      calls += 1;
      await new Promise((r) => setTimeout(r, 5));
      return answer();
    },
    environmentCredential: async () => {
      calls += 1;
      await new Promise((r) => setTimeout(r, 5));
      return answer();
    },
    rotate: async () => {
      throw new Error("not expected");
    },
    needsReauth: async (_id, body) => {
      reauth.push(body);
    },
  };
  return { plane, reauth, calls: () => calls };
}

describe("the credential broker", () => {
  it("coalesces simultaneous requests into one fetch, reuses the opened credential briefly, and fetches again once forgotten", async () => {
    const keys = await generateKeyPair();
    const stored = await message(keys, "ghp_token_value");
    const { plane, calls } = fakePlane(async () => stored);
    const broker = createCredentialBroker({ plane, keys, runnerId, cacheMs: 60_000 });

    const opened = await Promise.all(Array.from({ length: 8 }, () => broker.acquire({ userId, host })));
    expect(calls()).toBe(1);
    for (const credential of opened) expect(credential).toMatchObject({ accessToken: "ghp_token_value", login: "octocat", source: "pat", generation: 3 });
    await broker.acquire({ userId, host });
    expect(calls()).toBe(1);
    broker.forget({ userId, host });
    await broker.acquire({ userId, host });
    expect(calls()).toBe(2);
  });

  it("does not cache a credential forgotten while it was being fetched (a disconnect during a clone)", async () => {
    const keys = await generateKeyPair();
    const stored = await message(keys, "ghp_token_value");
    const { plane, calls } = fakePlane(async () => stored);
    const broker = createCredentialBroker({ plane, keys, runnerId, cacheMs: 60_000 });
    const pending = broker.acquire({ userId, host });
    broker.forget({ userId, host });
    await pending;
    await broker.acquire({ userId, host });
    expect(calls()).toBe(2);
  });

  it("says to reconnect when the plane has no usable credential", async () => {
    const keys = await generateKeyPair();
    const { plane } = fakePlane(async () => {
      throw new PlaneError("credential_needs_reauth", 409, "Reconnect your account", "");
    });
    const broker = createCredentialBroker({ plane, keys, runnerId });
    await expect(broker.acquire({ userId, host })).rejects.toMatchObject({ code: "credential_needs_reauth", retryable: false });
  });

  it("refuses a box sealed to another key, and reports the credential as sealed to a rotated key", async () => {
    const keys = await generateKeyPair();
    const old = await generateKeyPair();
    const stored = await message(old, "ghp_old_key");
    const { plane, reauth } = fakePlane(async () => stored);
    const broker = createCredentialBroker({ plane, keys, runnerId });
    await expect(broker.acquire({ userId, host })).rejects.toMatchObject({ code: "credential_needs_reauth" });
    expect(reauth).toEqual([{ generation: 3, reason: "runner_key_rotated" }]);
  });

  it("refuses a box sealed for another user, and an answer about another user", async () => {
    const keys = await generateKeyPair();
    const foreign = await sealTokens(keys, { runnerId, integrationId, userId: crypto.randomUUID(), generation: 3 }, { accessToken: "ghp_someone_else", refreshToken: null });
    const swapped = await message(keys, "unused", foreign);
    const broker = createCredentialBroker({ plane: fakePlane(async () => swapped).plane, keys, runnerId });
    await expect(broker.acquire({ userId, host })).rejects.toMatchObject({ code: "credential_needs_reauth" });

    const other = await message(keys, "ghp_value", { userId: crypto.randomUUID() });
    const broker2 = createCredentialBroker({ plane: fakePlane(async () => other).plane, keys, runnerId });
    await expect(broker2.acquire({ userId, host })).rejects.toMatchObject({ code: "credential_needs_reauth" });
  });
});
