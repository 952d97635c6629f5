/** Labels for the detail fields the trail records; others show under their own names. */
const labels: Record<string, string> = {
  message: "Runner's message",
  providerStatus: "Provider HTTP status",
  providerError: "Provider error",
  providerDescription: "Provider's description",
  retryAfterSeconds: "Retry after (s)",
  helpUrl: "Provider help page",
  cause: "Cause",
  lastStage: "Last stage reported",
  attempt: "Attempt",
  attempts: "Attempts",
  retrying: "Will be retried",
  runnerLastSeenAt: "Runner last seen",
  repository: "Repository",
  environmentId: "Environment",
  attemptId: "OAuth attempt",
  revocation: "At the provider",
  disconnectedUsers: "Users disconnected",
  reportedCode: "Code reported",
  note: "Note",
};

function show(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/**
 * An event's detail as a definition list. The detail was redacted and size-capped when it was
 * recorded; it is rendered as text only (never as HTML or as a link).
 */
export function EventDetail({ detail }: { detail: unknown }) {
  const entries = detail && typeof detail === "object" ? Object.entries(detail as Record<string, unknown>).filter(([, v]) => v !== undefined && v !== null && v !== "") : [];
  if (entries.length === 0) return null;
  return (
    <dl className="mt-1 grid grid-cols-[max-content_1fr] gap-x-3 gap-y-0.5 text-xs">
      {entries.map(([key, value]) => (
        <div key={key} className="contents">
          <dt className="text-gray-700">{labels[key] ?? key}</dt>
          <dd className="break-all font-mono text-gray-900">{show(value)}</dd>
        </div>
      ))}
    </dl>
  );
}
