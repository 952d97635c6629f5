import type { RunnerKeyPair } from "@/lib/crypto/sealed-box";
import type { ErrorCode } from "@/lib/errors/catalogue";
import type { JobError } from "@/lib/runners/protocol";
import type { CredentialBroker } from "../credentials/credential-broker";
import type { EnvironmentHost } from "../environments/environment-host";

/** What the runner process provides to every job beside the job itself. */
export type RunnerServices = {
  /** The runner's data directory: environments are cloned under `<dataDir>/environments/`. */
  dataDir: string;
  /** Users' credentials, fetched sealed from the plane, opened and refreshed (see runner/credentials). */
  credentials: CredentialBroker;
  /** Identities, homes, credential sockets and removal of this runner's environments. */
  environments: EnvironmentHost;
  /**
   * Tells the runner that an environment's clone is in place, so it serves that environment's
   * agent tools (runner/agent-tools/environment-servers.ts). Never rejects; awaiting it means the
   * endpoint file is there before the plane learns the environment is ready.
   */
  environmentReady: (environmentId: string) => Promise<void>;
  /** Stops serving an environment's agent tools and removes its endpoint file (it is being deleted). */
  environmentGone: (environmentId: string) => Promise<void>;
};

/** What a job handler gets besides its payload. */
export type JobContext = RunnerServices & {
  jobId: string;
  attempt: number;
  runnerId: string;
  /** This runner's key pair, to open the sealed boxes in the payload. */
  keys: RunnerKeyPair;
  /** Aborted at the job's deadline, when its lease runs out, or when the runner shuts down. */
  signal: AbortSignal;
  /**
   * Tells the plane which stage the job is at (shown while people wait); each report also renews
   * the job's lease. Resolves once the stage (or a newer one that replaced it before it went out)
   * has been sent, so awaiting it means "reported before it runs"; a handler on a latency budget
   * may go on without awaiting. While a job runs, its latest stage is re-sent every `leaseMs / 3`.
   */
  progress: (stage: string) => Promise<void>;
  /** How long the plane's lease on this job lasts from each renewal. */
  leaseMs: number;
};

/** One job kind's implementation: returns the result, or throws JobFailure for a typed error. */
export type JobHandler = (payload: unknown, ctx: JobContext) => Promise<unknown>;

/**
 * Undoes, at the provider, what a job kind's result created when the plane did not take that
 * result: it refused it (the job was cancelled, its attempt was over, or the result could not be
 * stored) or never answered. Only the runner knows of what it got then (an OAuth token), so leaving
 * it would leave it live and unaccounted for.
 */
export type UndeliveredResultHandler = (payload: unknown, result: unknown, ctx: JobContext) => Promise<void>;

/**
 * The runner could not do the work (as opposed to the work finding a problem, which is a result).
 * `message` is shown to people: never put a secret or a raw exception text in it.
 */
export class JobFailure extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly fieldErrors?: Record<string, string[]>;
  readonly detail?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, opts: { retryable?: boolean; fieldErrors?: Record<string, string[]>; detail?: Record<string, unknown> } = {}) {
    super(message);
    this.name = "JobFailure";
    this.code = code;
    this.retryable = opts.retryable ?? false;
    this.fieldErrors = opts.fieldErrors;
    this.detail = opts.detail;
  }

  /** The wire form the plane records. */
  toJobError(): JobError {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.fieldErrors ? { fieldErrors: this.fieldErrors } : {}),
      ...(this.detail ? { detail: this.detail } : {}),
    };
  }
}

/** Why a job's signal was aborted. */
export type AbortCause = "deadline" | "lease" | "shutdown" | "released";

/** The reason attached to a job's AbortSignal, so handlers and the executor can tell causes apart. */
export class JobAborted extends Error {
  constructor(readonly why: AbortCause) {
    super(`job aborted: ${why}`);
    this.name = "JobAborted";
  }
}
