const dateTime = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
const withSeconds = new Intl.DateTimeFormat("en", { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false, timeZone: "UTC" });

/** A timestamp in one fixed format and time zone, so the server's and the browser's render agree. */
export function formatDateTime(value: Date | string): string {
  return `${dateTime.format(new Date(value))} UTC`;
}

/** A compact timestamp to the second, for lists of events that come in quick succession. */
export function formatEventTime(value: Date | string): string {
  return `${withSeconds.format(new Date(value))} UTC`;
}

/** "just now", "5 minutes ago", "3 hours ago", "2 days ago", measured against `now` (the server's clock). */
export function formatAgo(value: Date | string, now: Date | string): string {
  const seconds = Math.max(0, Math.round((new Date(now).getTime() - new Date(value).getTime()) / 1000));
  if (seconds < 45) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? "" : "s"} ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} hour${hours === 1 ? "" : "s"} ago`;
  const days = Math.round(hours / 24);
  return `${days} days ago`;
}
