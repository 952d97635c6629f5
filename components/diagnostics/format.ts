/** A time as support reads it in tickets: UTC, to the second. */
export function formatUtc(date: Date | string): string {
  const d = typeof date === "string" ? new Date(date) : date;
  return `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** A duration in ms, s or min. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return "—";
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

/** A `datetime-local` value for a UTC time. */
export function toDateTimeLocal(date: Date): string {
  return date.toISOString().slice(0, 16);
}
