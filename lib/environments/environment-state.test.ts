import { describe, expect, it } from "vitest";
import { deriveEnvironmentState, reconnectReason, type CredentialFacts } from "./environment-state";

const usable: CredentialFacts = {
  token: { integrationId: "i1", source: "oauth", keyId: "k1", needsReauthReason: null },
  runnerKeyId: "k1",
  integration: { id: "i1", oauthEnabled: true, patEnabled: false },
};

describe("reconnectReason", () => {
  it("follows findUsableCredential: a token, not marked, sealed to the current key, from an enabled method", () => {
    expect(reconnectReason(usable)).toBeNull();
    expect(reconnectReason({ ...usable, token: null })).toBe("disconnected");
    expect(reconnectReason({ ...usable, integration: null })).toBe("no_integration");
    expect(reconnectReason({ ...usable, token: { ...usable.token!, needsReauthReason: "expired" } })).toBe("expired");
    expect(reconnectReason({ ...usable, token: { ...usable.token!, needsReauthReason: "something new" } })).toBe("revoked");
    expect(reconnectReason({ ...usable, runnerKeyId: "k2" })).toBe("runner_key_rotated");
    expect(reconnectReason({ ...usable, runnerKeyId: null })).toBe("runner_key_rotated");
    expect(reconnectReason({ ...usable, integration: { id: "i1", oauthEnabled: false, patEnabled: true } })).toBe("method_disabled");
    expect(reconnectReason({ ...usable, token: { ...usable.token!, source: "pat" } })).toBe("method_disabled");
  });
});

describe("deriveEnvironmentState", () => {
  const base = { stored: "ready" as const, jobStatus: "succeeded" as const, ownerActive: true, reconnect: null };
  it("orders deletion, failure, a disabled owner, creation and reconnection", () => {
    expect(deriveEnvironmentState(base)).toBe("ready");
    expect(deriveEnvironmentState({ ...base, reconnect: "disconnected" })).toBe("needs_reconnect");
    expect(deriveEnvironmentState({ ...base, ownerActive: false, reconnect: "disconnected" })).toBe("owner_disabled");
    expect(deriveEnvironmentState({ ...base, stored: "deleting", ownerActive: false })).toBe("deleting");
    expect(deriveEnvironmentState({ ...base, stored: "deleted" })).toBe("deleted");
    expect(deriveEnvironmentState({ ...base, stored: "creating", jobStatus: "running", reconnect: "disconnected" })).toBe("creating");
    expect(deriveEnvironmentState({ ...base, stored: "creating", jobStatus: "cancelled" })).toBe("failed");
    expect(deriveEnvironmentState({ ...base, stored: "failed" })).toBe("failed");
    // A clone job that failed after the environment became ready (a retry) does not undo ready.
    expect(deriveEnvironmentState({ ...base, jobStatus: "failed" })).toBe("ready");
  });
});
