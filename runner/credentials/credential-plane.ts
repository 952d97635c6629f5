import type { z } from "zod";
import type { CredentialMessage, credentialNeedsReauthRequestSchema, rotateCredentialRequestSchema } from "@/lib/git-auth/job-payloads";

/** `POST /credentials/{id}/rotate`: a refreshed credential, accepted only over `expectedGeneration`. */
export type RotateCredentialRequest = z.infer<typeof rotateCredentialRequestSchema>;
/** `POST /credentials/{id}/needs-reauth`: refreshing failed for good. */
export type NeedsReauthRequest = z.infer<typeof credentialNeedsReauthRequestSchema>;

/**
 * The runner API calls a runner needs to use a user's credential: fetch it sealed (for a job, or
 * for git in an environment, which the plane checks afresh each time), save a refreshed one
 * (compare-and-swap on its generation), and report one that only a new connection can fix. The runner's `PlaneClient` is one; any object with these methods will do (the agent
 * tools' plane client has the same shape). They throw `PlaneError` for a typed refusal and
 * `PlaneUnreachableError` when no usable answer came.
 */
export type CredentialPlane = {
  credential: (userId: string, host: string, signal?: AbortSignal) => Promise<CredentialMessage>;
  environmentCredential: (environmentId: string, signal?: AbortSignal) => Promise<CredentialMessage>;
  rotate: (credentialId: string, body: RotateCredentialRequest, signal?: AbortSignal) => Promise<{ generation: number }>;
  needsReauth: (credentialId: string, body: NeedsReauthRequest, signal?: AbortSignal) => Promise<void>;
};
