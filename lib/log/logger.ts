import { getEnv } from "../env";
import { createLogger } from "./create-logger";
import type { LogLevel } from "./levels";

export { setLogSink, type LogSink } from "./create-logger";

function planeLogLevel(): LogLevel {
  try {
    return getEnv().LOG_LEVEL;
  } catch {
    return "info"; // invalid configuration is reported by whoever parses it first
  }
}

/** The plane's logger: structured JSON lines at the configured LOG_LEVEL (see create-logger.ts). */
export const log = createLogger(planeLogLevel);
