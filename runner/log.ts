import { createLogger } from "@/lib/log/create-logger";
import { runnerLogLevel } from "./env";

export { setLogSink, type LogSink } from "@/lib/log/create-logger";

/** The runner's logger: structured JSON lines, redacted, at the runner's own LOG_LEVEL (runner/env.ts). */
export const log = createLogger(() => runnerLogLevel());
