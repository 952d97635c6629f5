import type { LogLevel } from "./levels";
import { redact } from "./redact";

type Level = Exclude<LogLevel, "silent">;
const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export type LogSink = (line: string) => void;

export type Logger = Record<Level, (event: string, fields?: Record<string, unknown>) => void>;

// One sink for every logger in the process, so a test that captures lines sees the plane's and the
// runner's alike.
let sink: LogSink = (line) => process.stdout.write(line + "\n");

/**
 * Structured JSON logs, one line per event. Every field passes through `redact`, so a secret
 * handed to the logger by mistake is masked rather than written. `level` says, at each call, the
 * lowest level written: the plane reads it from its configuration (lib/log/logger.ts), the runner
 * from its own (runner/log.ts), so neither parses the other's environment.
 */
export function createLogger(level: () => LogLevel): Logger {
  const write = (at: Level, event: string, fields: Record<string, unknown> = {}) => {
    if (order[at] < order[level()]) return;
    sink(JSON.stringify({ t: new Date().toISOString(), level: at, event, ...redact(fields) }));
  };
  return {
    debug: (event, fields) => write("debug", event, fields),
    info: (event, fields) => write("info", event, fields),
    warn: (event, fields) => write("warn", event, fields),
    error: (event, fields) => write("error", event, fields),
  };
}

/** Replaces where log lines go (tests capture them to prove nothing secret is written). */
export function setLogSink(next: LogSink): LogSink {
  const previous = sink;
  sink = next;
  return previous;
}
