import { getEnv } from "../env";
import { redact } from "./redact";

type Level = "debug" | "info" | "warn" | "error";
const order: Record<Level | "silent", number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export type LogSink = (line: string) => void;

let sink: LogSink = (line) => process.stdout.write(line + "\n");

function threshold(): number {
  try {
    return order[getEnv().LOG_LEVEL];
  } catch {
    return order.info; // invalid configuration is reported by whoever parses it first
  }
}

function write(level: Level, event: string, fields: Record<string, unknown> = {}): void {
  if (order[level] < threshold()) return;
  const line = JSON.stringify({ t: new Date().toISOString(), level, event, ...redact(fields) });
  sink(line);
}

/**
 * Structured JSON logs, one line per event. Every field passes through `redact`, so a secret
 * handed to the logger by mistake is masked rather than written.
 */
export const log = {
  debug: (event: string, fields?: Record<string, unknown>) => write("debug", event, fields),
  info: (event: string, fields?: Record<string, unknown>) => write("info", event, fields),
  warn: (event: string, fields?: Record<string, unknown>) => write("warn", event, fields),
  error: (event: string, fields?: Record<string, unknown>) => write("error", event, fields),
};

/** Replaces where log lines go (tests capture them to prove nothing secret is written). */
export function setLogSink(next: LogSink): LogSink {
  const previous = sink;
  sink = next;
  return previous;
}
