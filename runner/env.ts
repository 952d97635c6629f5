import { z } from "zod";
import { LOG_LEVELS, type LogLevel } from "@/lib/log/levels";

/**
 * The runner's environment variables: its own, not the plane's (lib/env.ts), which the runner never
 * parses. Each is read where it is used (named below); this schema is the one list of them and
 * checks what a value may be. Empty strings count as unset, as on the plane.
 */
const runnerEnvSchema = z.object({
  /** Lowest level of the runner's JSON log lines (runner/log.ts). */
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  /** The data directory when `--data-dir` is not given (runner/data-dir.ts). */
  RUNNER_DATA_DIR: z.string().min(1).optional(),
  /** Where the runner keeps its data by default; the packaged artifact sets it (runner/data-dir.ts). */
  SCM_RUNNER_DEFAULT_DATA_DIR: z.string().min(1).optional(),
  /** `auto` (default), `os-user` (refuse to start without a Unix user per environment) or `none` (runner/isolation/isolation.ts). */
  RUNNER_ISOLATION: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(["auto", "os-user", "none"]))
    .default("auto"),
  /** The plane's URL for `start --embedded`, set by `npm start` and `npm run dev` (runner/embedded.ts). */
  RUNNER_PLANE_URL: z.url().optional(),
  /** The local runner's bootstrap secret for `start --embedded` (runner/embedded.ts). */
  LOCAL_RUNNER_BOOTSTRAP_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  /** JSON of provider endpoints to use instead of the derived ones, for the provider sandbox (runner/credentials/endpoints.ts). */
  RUNNER_ENDPOINT_OVERRIDES: z.string().optional(),
  /** `1` or `true`: provider hosts may resolve to loopback, for the provider sandbox and tests (runner/net/egress.ts). */
  SCM_ALLOW_LOOPBACK_HOSTS: z.enum(["true", "false", "1", "0"]).optional(),
  /** How the runner's own command is spelled in the messages it prints (runner/version.ts). */
  SCM_RUNNER_COMMAND: z.string().min(1).optional(),
  /** How the agent-tools command is spelled in what the runner writes for agents (runner/version.ts). */
  SCM_AGENT_TOOLS_COMMAND: z.string().min(1).optional(),
  /** Set by the runner in an environment's processes: the environment they belong to (runner/agent-tools/commands.ts). */
  SCM_ENVIRONMENT_ID: z.string().min(1).optional(),
  /** Set by the runner in an environment's processes: where the agent tools find how to reach it (runner/agent-tools/commands.ts). */
  SCM_AGENT_TOOLS_FILE: z.string().min(1).optional(),
});

export type RunnerEnv = z.infer<typeof runnerEnvSchema>;

/** Raised when the runner's configuration is invalid; its message lists every bad variable. */
export class RunnerEnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid runner configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "RunnerEnvError";
  }
}

function withoutEmpty(raw: Record<string, string | undefined>): Record<string, string> {
  const cleaned: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (v !== undefined && v !== "") cleaned[k] = v;
  return cleaned;
}

/** Parses a raw environment (pure). */
export function parseRunnerEnv(raw: Record<string, string | undefined>): RunnerEnv {
  const result = runnerEnvSchema.safeParse(withoutEmpty(raw));
  if (!result.success) throw new RunnerEnvError(result.error.issues.map((i) => `${i.path.join(".") || "environment"}: ${i.message}`));
  return result.data;
}

let cachedLevel: { raw: string | undefined; level: LogLevel } | null = null;

/** The runner's LOG_LEVEL; an invalid value logs at `info` rather than stopping the runner from saying why it stops. */
export function runnerLogLevel(env: Record<string, string | undefined> = process.env): LogLevel {
  const raw = env.LOG_LEVEL;
  if (!cachedLevel || cachedLevel.raw !== raw) {
    const parsed = runnerEnvSchema.shape.LOG_LEVEL.safeParse(raw || undefined);
    cachedLevel = { raw, level: parsed.success ? parsed.data : "info" };
  }
  return cachedLevel.level;
}
