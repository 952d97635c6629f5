import { z } from "zod";
import path from "node:path";
import { LOG_LEVELS } from "./log/levels";

/**
 * All configuration comes from environment variables and is parsed once, here.
 * A bad value stops start-up with a message naming the variable and what is wrong,
 * never with a stack trace from deep inside a driver.
 */
const booleanFlag = z
  .enum(["true", "false", "1", "0", ""])
  .optional()
  .transform((v) => v === "true" || v === "1");

const postgresUrl = z
  .string()
  .trim()
  .refine((v) => /^postgres(ql)?:\/\/.+/.test(v), "must be a postgres:// or postgresql:// URL")
  .refine((v) => {
    try {
      new URL(v);
      return true;
    } catch {
      return false;
    }
  }, "is not a valid URL");

const httpUrl = z
  .string()
  .trim()
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === "http:" || u.protocol === "https:") && !u.username && !u.password;
    } catch {
      return false;
    }
  }, "must be an http(s) URL without credentials")
  .transform((v) => v.replace(/\/+$/, ""));

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    DATABASE_URL: postgresUrl.optional(),
    DATA_DIR: z.string().trim().min(1).default(".data"),
    PUBLIC_BASE_URL: httpUrl.default("http://localhost:3000"),
    AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
    LOG_QUERIES: booleanFlag,
    OIDC_ISSUER: httpUrl.optional(),
    OIDC_CLIENT_ID: z.string().trim().min(1).optional(),
    OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    OIDC_DISPLAY_NAME: z.string().trim().min(1).max(60).default("Single sign-on"),
    OIDC_AUTO_PROVISION: booleanFlag,
    /** Accept an ID token without an `email_verified` claim as verified (an explicit `false` never is). */
    OIDC_TRUST_UNVERIFIED_EMAILS: booleanFlag,
    OIDC_DEFAULT_ROLE: z.enum(["member", "support"]).default("member"),
    /**
     * Whether SCM integrations may point at loopback hosts over plain HTTP (the provider sandbox).
     * Default: allowed in development and tests, refused in production.
     */
    SCM_ALLOW_LOOPBACK_HOSTS: z.enum(["true", "false", "1", "0"]).optional(),
    /** How long a runner may stay silent before it shows as offline. */
    RUNNER_OFFLINE_AFTER_SECONDS: z.coerce.number().int().min(5).max(3600).default(45),
    /** Enables the embedded local runner's bootstrap endpoint (`npm run dev` sets it; loopback only). */
    LOCAL_RUNNER_BOOTSTRAP_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    /** Retention: minutes after a job finishes before the sealed boxes in its payload and result are erased. */
    RETENTION_JOB_PAYLOAD_MINUTES: z.coerce.number().int().min(1).max(10_080).default(60),
    /** Retention: days Diagnostics events, agent activity and finished jobs are kept. */
    RETENTION_EVENTS_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
    /** Seconds between the plane's retention sweeps; 0 turns them off. */
    RETENTION_SWEEP_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
    /**
     * How many reverse proxies in front of the plane append the client's address to
     * X-Forwarded-For. 0 (default): the connection's peer is the client and the header is ignored.
     */
    TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
    /** Enables the end-to-end tests' seeding endpoint; only ever set by the test runner. */
    E2E_SEED_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  })
  .superRefine((env, ctx) => {
    const oidc = [env.OIDC_ISSUER, env.OIDC_CLIENT_ID, env.OIDC_CLIENT_SECRET];
    const set = oidc.filter((v) => v !== undefined).length;
    if (env.E2E_SEED_SECRET) {
      const host = new URL(env.PUBLIC_BASE_URL).hostname;
      if (!["localhost", "127.0.0.1", "[::1]"].includes(host)) {
        ctx.addIssue({
          code: "custom",
          path: ["E2E_SEED_SECRET"],
          message: "is for end-to-end tests on a loopback PUBLIC_BASE_URL only; unset it in any real deployment",
        });
      }
    }
    if (env.LOCAL_RUNNER_BOOTSTRAP_SECRET) {
      const host = new URL(env.PUBLIC_BASE_URL).hostname;
      if (!["localhost", "127.0.0.1", "[::1]"].includes(host)) {
        ctx.addIssue({
          code: "custom",
          path: ["LOCAL_RUNNER_BOOTSTRAP_SECRET"],
          message: "is for the embedded local runner on a loopback PUBLIC_BASE_URL only; register runners with a token instead",
        });
      }
    }
    if (set > 0 && set < 3) {
      ctx.addIssue({
        code: "custom",
        path: ["OIDC_ISSUER"],
        message:
          "single sign-on needs OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET together (set all three or none)",
      });
    }
  });

export type Env = z.infer<typeof schema> & {
  /** Absolute path of the embedded database and other local state. */
  dataDir: string;
  /** Whether loopback HTTP hosts are accepted for SCM integrations. */
  allowLoopbackHosts: boolean;
  /** Single sign-on settings when all three OIDC variables are set. */
  oidc: { issuer: string; clientId: string; clientSecret: string; name: string; autoProvision: boolean; trustUnverifiedEmails: boolean; defaultRole: "member" | "support" } | null;
};

/** Raised when configuration is invalid; its message lists every bad variable. */
export class EnvError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EnvError";
  }
}

/** Parses a raw environment (pure: used by tests and by `getEnv`). Empty strings count as unset. */
export function parseEnv(raw: Record<string, string | undefined>): Env {
  const cleaned: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (v !== undefined && v !== "") cleaned[k] = v;
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    throw new EnvError(
      result.error.issues.map((i) => `${i.path.join(".") || "environment"}: ${i.message}`),
    );
  }
  const env = result.data;
  return {
    ...env,
    dataDir: path.resolve(env.DATA_DIR),
    allowLoopbackHosts:
      env.SCM_ALLOW_LOOPBACK_HOSTS === undefined
        ? env.NODE_ENV !== "production"
        : env.SCM_ALLOW_LOOPBACK_HOSTS === "true" || env.SCM_ALLOW_LOOPBACK_HOSTS === "1",
    oidc:
      env.OIDC_ISSUER && env.OIDC_CLIENT_ID && env.OIDC_CLIENT_SECRET
        ? {
            issuer: env.OIDC_ISSUER,
            clientId: env.OIDC_CLIENT_ID,
            clientSecret: env.OIDC_CLIENT_SECRET,
            name: env.OIDC_DISPLAY_NAME,
            autoProvision: env.OIDC_AUTO_PROVISION,
            trustUnverifiedEmails: env.OIDC_TRUST_UNVERIFIED_EMAILS,
            defaultRole: env.OIDC_DEFAULT_ROLE,
          }
        : null,
  };
}

const globalForEnv = globalThis as unknown as { __scmEnv?: Env };

/** The process configuration, parsed on first use and cached. */
export function getEnv(): Env {
  globalForEnv.__scmEnv ??= parseEnv(process.env);
  return globalForEnv.__scmEnv;
}

/** Forgets the cached configuration (tests that change process.env). */
export function resetEnvForTests(): void {
  globalForEnv.__scmEnv = undefined;
}
