/** The values LOG_LEVEL takes, on the plane (lib/env.ts) and on the runner (runner/env.ts). */
export const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;

export type LogLevel = (typeof LOG_LEVELS)[number];
