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
