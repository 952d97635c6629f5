import { sql } from "drizzle-orm";
import { scmIntegrations } from "@/db/schema";
import { isErrorCode, type ErrorCode } from "../errors/catalogue";

/**
 * The integration's last Save & Test result, selected only when that test failed (null otherwise),
 * so a list of hosts reads the stored result of failing integrations alone.
 */
export const failedTestResultSql = sql<unknown>`(case when ${scmIntegrations.lastTestOk} = false then ${scmIntegrations.lastTestResult} end)`;

/**
 * Why an admin's last Save & Test of an integration failed, as a catalogue code: the job's own
 * error, else the first failed check's, else `provider_error`. Null when the last test passed, is
 * still running or never ran (`failedResult` null). Members are warned with it before they
 * connect to the host; the host stays offered, since the test may be stale.
 */
export function lastTestFailureCode(failedResult: unknown): ErrorCode | null {
  if (failedResult === null || failedResult === undefined) return null;
  const stored = typeof failedResult === "object" ? (failedResult as { errorCode?: unknown; checks?: unknown }) : {};
  if (isErrorCode(stored.errorCode)) return stored.errorCode;
  const checks = Array.isArray(stored.checks) ? (stored.checks as Array<{ ok?: unknown; code?: unknown }>) : [];
  const failed = checks.find((c) => c && c.ok === false && isErrorCode(c.code));
  return failed && isErrorCode(failed.code) ? failed.code : "provider_error";
}
