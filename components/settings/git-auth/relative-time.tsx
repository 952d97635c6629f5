import { formatDateTime } from "@/components/ui/format-time";

function unit(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** "just now", "5 minutes ago", "in 3 days", measured against `now` (the server's clock). */
export function formatRelative(value: Date | string, now: Date | string): string {
  const diff = Math.round((new Date(value).getTime() - new Date(now).getTime()) / 1000);
  const seconds = Math.abs(diff);
  if (seconds < 45) return "just now";
  const minutes = Math.round(seconds / 60);
  const hours = Math.round(minutes / 60);
  const days = Math.round(hours / 24);
  const amount = minutes < 60 ? unit(minutes, "minute") : hours < 48 ? unit(hours, "hour") : unit(days, "day");
  return diff < 0 ? `${amount} ago` : `in ${amount}`;
}

/** A relative time ("3 hours ago") with the exact time as its tooltip and machine-readable value. */
export function RelativeTime({ value, now }: { value: Date | string; now: Date | string }) {
  const date = new Date(value);
  return (
    <time dateTime={date.toISOString()} title={formatDateTime(date)}>
      {formatRelative(date, now)}
    </time>
  );
}
