import type { CredentialMessage } from "@/lib/git-auth/job-payloads";
import { RUNNER_API_PATH, type EnvironmentRefusal, type JobResultRequest, type RegisterRequest, type RegisterResponse, type RunnerHello, type RunnerIdentity, type RunnerJobMessage } from "@/lib/runners/protocol";
import type { CredentialPlane, NeedsReauthRequest, RotateCredentialRequest } from "./credentials/credential-plane";
import { describeNetworkError } from "./net-error";
import { USER_AGENT } from "./version";

/** The management plane answered with a typed error (`{ error: { code, title, message } }`). */
export class PlaneError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly title: string,
    message: string,
  ) {
    super(message);
    this.name = "PlaneError";
  }
}

/** The management plane could not be reached or answered with something that is not its API. */
export class PlaneUnreachableError extends Error {
  constructor(
    readonly url: string,
    message: string,
  ) {
    super(message);
    this.name = "PlaneUnreachableError";
  }
}

/** Milliseconds to wait for any plane call other than the long-poll. */
const CALL_TIMEOUT_MS = 15_000;
const PROGRESS_TIMEOUT_MS = 5_000;

/**
 * Accepts what people type for the plane (`https://plane.example.com`, with or without a trailing
 * slash or the API path) and returns its origin plus path prefix, without the API path.
 */
export function normalizePlaneUrl(input: string): string {
  const url = new URL(input.trim());
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("The plane URL must start with http:// or https://.");
  if (url.username || url.password) throw new Error("Leave credentials out of the plane URL.");
  const path = url.pathname.replace(/\/+$/, "");
  const base = path.endsWith(RUNNER_API_PATH) ? path.slice(0, -RUNNER_API_PATH.length) : path;
  return `${url.origin}${base}`;
}

/** One long-poll's answer. */
export type PollResult = {
  jobs: RunnerJobMessage[];
  /** The plane's clock minus ours, from its Date header, when they differ by more than a Date header can tell. */
  clockOffsetMs: number;
};

/**
 * A typed client of the runner API (`/api/runner/v1`); one per plane and access token. Its
 * credential calls (`credential`, `rotate`, `needsReauth`) are what `runner/credentials` needs.
 */
export type PlaneClient = CredentialPlane & {
  readonly planeUrl: string;
  register: (body: RegisterRequest) => Promise<RegisterResponse>;
  localBootstrap: (secret: string) => Promise<{ registrationToken: string; runnerId: string }>;
  /** Who this access token belongs to, changing nothing (`status`, the embedded runner's wait for the app). */
  me: (signal?: AbortSignal) => Promise<RunnerIdentity>;
  /** `POST /me`: connects, saying which version runs and how it isolates environments. */
  hello: (hello: RunnerHello, signal?: AbortSignal) => Promise<RunnerIdentity>;

  environmentCredential: (environmentId: string, signal?: AbortSignal) => Promise<CredentialMessage>;
  /** Reports a request refused inside an environment, for the trail's security events. */
  environmentRefusal: (environmentId: string, refusal: EnvironmentRefusal, signal?: AbortSignal) => Promise<void>;
  pollJobs: (waitSeconds: number, signal: AbortSignal) => Promise<PollResult>;
  /** Reports a stage; the plane renews the job's lease and answers with the new expiry (null from an older plane). */
  progress: (jobId: string, attempt: number, stage: string, signal?: AbortSignal) => Promise<{ leaseExpiresAt: string | null }>;
  /** Reports a job's outcome; answers what the plane made of it (`failed` for a success it could not use; null from an older plane). */
  result: (jobId: string, body: JobResultRequest) => Promise<{ status: "succeeded" | "failed" | "pending" | null }>;
  /** Any other call of the runner API, with the same errors (the agent tools' policy checks use it). */
  call: <T>(method: "GET" | "POST", path: string, init?: { body?: unknown; signal?: AbortSignal }) => Promise<T>;
};

/** Builds the client; `accessToken` is needed for everything but register and local-bootstrap. */
export function createPlaneClient(opts: { planeUrl: string; accessToken?: string }): PlaneClient {
  const planeUrl = normalizePlaneUrl(opts.planeUrl);
  const apiBase = `${planeUrl}${RUNNER_API_PATH}`;

  async function call<T>(method: "GET" | "POST", path: string, init: { body?: unknown; headers?: Record<string, string>; timeoutMs?: number; signal?: AbortSignal } = {}): Promise<{ body: T; date: string | null }> {
    const timeoutMs = init.timeoutMs ?? CALL_TIMEOUT_MS;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    const headers: Record<string, string> = { accept: "application/json", "user-agent": USER_AGENT, ...init.headers };
    if (opts.accessToken) headers.authorization = `Bearer ${opts.accessToken}`;
    if (init.body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(`${apiBase}${path}`, { method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body), signal, redirect: "manual" });
    } catch (e) {
      // A caller's own abort (shutdown) is not an outage: let it through as it is.
      if (init.signal?.aborted) throw init.signal.reason;
      throw new PlaneUnreachableError(planeUrl, describeNetworkError(e, timeoutMs).message);
    }
    const text = await response.text().catch(() => "");
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (response.ok && parsed !== undefined) return { body: parsed as T, date: response.headers.get("date") };
    const error = (parsed as { error?: { code?: unknown; title?: unknown; message?: unknown } } | undefined)?.error;
    if (error && typeof error.code === "string") {
      throw new PlaneError(error.code, response.status, String(error.title ?? error.code), String(error.message ?? ""));
    }
    // Not the runner API: a proxy page, a gateway error, or the wrong URL.
    throw new PlaneUnreachableError(planeUrl, `${apiBase}${path.split("?")[0]} answered HTTP ${response.status} without the runner API's JSON.`);
  }

  return {
    planeUrl,
    register: async (body) => (await call<RegisterResponse>("POST", "/register", { body })).body,
    localBootstrap: async (secret) =>
      (await call<{ registrationToken: string; runnerId: string }>("POST", "/local-bootstrap", { body: {}, headers: { "x-local-runner-secret": secret } })).body,
    me: async (signal) => (await call<RunnerIdentity>("GET", "/me", { signal })).body,
    hello: async (hello, signal) => (await call<RunnerIdentity>("POST", "/me", { body: hello, signal })).body,
    environmentCredential: async (environmentId, signal) => (await call<CredentialMessage>("GET", `/environments/${encodeURIComponent(environmentId)}/credential`, { signal })).body,
    environmentRefusal: async (environmentId, refusal, signal) => {
      await call("POST", `/environments/${encodeURIComponent(environmentId)}/refusals`, { body: refusal, signal });
    },
    pollJobs: async (waitSeconds, signal) => {
      const sentAt = Date.now();
      const { body, date } = await call<{ jobs: RunnerJobMessage[] }>("GET", `/jobs?wait=${waitSeconds}`, { signal, timeoutMs: (waitSeconds + 15) * 1000 });
      return { jobs: Array.isArray(body.jobs) ? body.jobs : [], clockOffsetMs: clockOffset(date, sentAt) };
    },
    progress: async (jobId, attempt, stage, signal) => {
      // Progress is for display and for the lease: it never holds the job up for long.
      const { body } = await call<{ leaseExpiresAt?: unknown }>("POST", `/jobs/${encodeURIComponent(jobId)}/progress`, { body: { attempt, stage }, signal, timeoutMs: PROGRESS_TIMEOUT_MS });
      return { leaseExpiresAt: typeof body.leaseExpiresAt === "string" ? body.leaseExpiresAt : null };
    },
    result: async (jobId, body) => {
      const answer = await call<{ status?: unknown }>("POST", `/jobs/${encodeURIComponent(jobId)}/result`, { body });
      const status = answer.body.status;
      return { status: status === "succeeded" || status === "failed" || status === "pending" ? status : null };
    },
    credential: async (userId, host, signal) =>
      (await call<CredentialMessage>("GET", `/credentials?${new URLSearchParams({ userId, host })}`, { signal })).body,
    rotate: async (credentialId, body: RotateCredentialRequest, signal) =>
      (await call<{ generation: number }>("POST", `/credentials/${encodeURIComponent(credentialId)}/rotate`, { body, signal })).body,
    needsReauth: async (credentialId, body: NeedsReauthRequest, signal) => {
      await call("POST", `/credentials/${encodeURIComponent(credentialId)}/needs-reauth`, { body, signal });
    },
    call: async <T>(method: "GET" | "POST", path: string, init?: { body?: unknown; signal?: AbortSignal }) => (await call<T>(method, path, init)).body,
  };
}

/**
 * Deadlines and leases are the plane's times. A Date header has one-second resolution, so only a
 * larger skew is corrected; the answer's own latency is not counted as skew.
 */
function clockOffset(date: string | null, sentAt: number): number {
  const plane = date ? Date.parse(date) : NaN;
  if (!Number.isFinite(plane)) return 0;
  const now = Date.now();
  const offset = plane - now;
  return Math.abs(offset) > 2_000 + (now - sentAt) ? offset : 0;
}
