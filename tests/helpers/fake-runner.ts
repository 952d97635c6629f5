import { openSealed, seal, type RunnerKeyPair, type SealContext } from "@/lib/crypto/sealed-box";
import type { CredentialResult } from "@/lib/git-auth/job-payloads";

export type Json = Record<string, unknown>;
export type ClaimedJob = { id: string; kind: string; payload: Json; attempt: number; idempotencyKey: string };

/**
 * Plays a runner against the runner API over real HTTP, with a real key pair: claims jobs, opens
 * the boxes in their payloads with the contexts a runner must expect, and answers with results
 * sealed to its own key. Used by integration and end-to-end tests alike (no test framework here).
 */
export class FakeRunner {
  constructor(
    /** `http://host:port/api/runner/v1` */
    readonly apiBase: string,
    readonly runner: { runnerId: string; accessToken: string; keys: RunnerKeyPair; keyId: string },
  ) {}

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
    const res = await fetch(`${this.apiBase}${path}`, {
      method,
      headers: { "content-type": "application/json", authorization: `Bearer ${this.runner.accessToken}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json().catch(() => ({}))) as Json };
  }

  /** Waits up to `timeoutMs` for a job of `kind` and claims it (other kinds claimed meanwhile are returned to nobody: tests keep one flow per runner). */
  async claim(kind: string, timeoutMs = 15_000): Promise<ClaimedJob> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const { status, body } = await this.call("GET", `/jobs?wait=${Math.max(1, Math.min(5, Math.ceil((until - Date.now()) / 1000)))}`);
      if (status !== 200) throw new Error(`GET /jobs answered ${status}: ${JSON.stringify(body)}`);
      const job = (body.jobs as ClaimedJob[]).find((j) => j.kind === kind);
      if (job) return job;
    }
    throw new Error(`no ${kind} job within ${timeoutMs} ms`);
  }

  open(sealed: string, expect: Partial<SealContext>) {
    return openSealed(this.runner.keys, sealed, expect);
  }

  progress(job: ClaimedJob, stage: string) {
    return this.call("POST", `/jobs/${job.id}/progress`, { attempt: job.attempt, stage });
  }

  succeed(job: ClaimedJob, result: unknown) {
    return this.call("POST", `/jobs/${job.id}/result`, { attempt: job.attempt, outcome: "succeeded", result });
  }

  fail(job: ClaimedJob, error: { code: string; message?: string; retryable?: boolean; fieldErrors?: Record<string, string[]> }) {
    return this.call("POST", `/jobs/${job.id}/result`, { attempt: job.attempt, outcome: "failed", error: { message: "", ...error } });
  }

  /** What a runner returns from `oauth.exchange` / `pat.validate`: the token sealed to its own key, with its full context. */
  async credential(job: ClaimedJob, opts: { token: string; refreshToken?: string; login: string; scopes: string[]; expiresAt?: Date | null }): Promise<CredentialResult> {
    const integrationId = (job.payload.integration as Json).integrationId as string;
    const userId = job.payload.userId as string;
    const generation = job.payload.generation as number;
    const ctx = { runnerId: this.runner.runnerId, integrationId, userId, generation };
    return {
      tokenSealed: await seal(this.runner.keys.publicKey, { ...ctx, purpose: "access_token" }, opts.token),
      refreshTokenSealed: opts.refreshToken ? await seal(this.runner.keys.publicKey, { ...ctx, purpose: "refresh_token" }, opts.refreshToken) : null,
      keyId: this.runner.keyId,
      scopes: opts.scopes,
      subjectLogin: opts.login,
      expiresAt: opts.expiresAt ? opts.expiresAt.toISOString() : null,
      generation,
    };
  }
}
