import { Badge } from "@/components/ui/badge";
import { describeError } from "@/lib/errors/catalogue";
import type { TestOutcome } from "@/lib/integrations/test-outcome";
import { formatDateTime } from "@/components/ui/format-time";

/** An integration's last Save & Test in a few words: not tested, running, passed, or what failed. */
export function LastTestSummary({ lastTest, lastTestedAt }: { lastTest: TestOutcome | null; lastTestedAt: Date | null }) {
  if (!lastTest) return <span className="text-gray-700">Not tested since the last change</span>;
  if (!lastTest.done) return <Badge tone="blue">Testing…</Badge>;
  const failedCheck = lastTest.checks.find((c) => !c.ok && c.code);
  const code = lastTest.errorCode ?? failedCheck?.code ?? null;
  return (
    <span className="flex flex-col gap-0.5">
      <span className="flex flex-wrap items-center gap-1">
        {lastTest.ok ? <Badge tone="green">Passed</Badge> : <Badge tone="red">Failed</Badge>}
        {!lastTest.ok && code ? <span className="text-gray-800">{describeError(code).title}</span> : null}
      </span>
      {lastTestedAt ? <span className="text-xs text-gray-700">{formatDateTime(lastTestedAt)}</span> : null}
    </span>
  );
}
