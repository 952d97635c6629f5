import type { ErrorCode } from "@/lib/errors/catalogue";

/**
 * Said where a person picks or connects a host whose last Save & Test by an admin failed: the host
 * stays offered (the test may be stale), but the person knows why connecting may fail and whom to ask.
 */
export function HostTestWarning({ code, host }: { code: ErrorCode; host?: string }) {
  return (
    <p className="rounded-md border border-amber-500 bg-amber-50 p-2 text-sm text-amber-950" data-testid="host-test-warning" data-error-code={code}>
      Connecting may fail: the last test of {host ? <span className="font-mono">{host}</span> : "this host"} by an admin failed (<code className="font-mono">{code}</code>). Ask an admin to check
      Settings &gt; Runners.
    </p>
  );
}
