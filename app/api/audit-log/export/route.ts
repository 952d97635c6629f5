import { getDb } from "@/db/client";
import { exportAuditCsv } from "@/lib/audit/audit-csv";
import { parseAuditQuery } from "@/lib/audit/schemas";
import { actorRoute } from "@/lib/auth/actor-route";
import { AppError } from "@/lib/errors/app-error";
import { log } from "@/lib/log/logger";
import { sectionRoles } from "@/lib/settings/sections";

export const dynamic = "force-dynamic";

/**
 * The audit log as CSV (admins and support): the same filters as the page's query string, every
 * matching row newest first up to the export limit, redacted, formula-safe.
 */
export const GET = actorRoute({ name: "audit_log.export", roles: sectionRoles("audit-log") }, async (request: Request, actor) => {
  const { filters, errors } = parseAuditQuery(new URL(request.url).searchParams);
  const fieldErrors = Object.fromEntries(Object.entries(errors).filter(([key]) => key !== "before" && key !== "after").map(([key, message]) => [key, [message!]]));
  if (Object.keys(fieldErrors).length > 0) throw new AppError("validation_failed", { fieldErrors });
  const { csv, rows, truncated } = await exportAuditCsv({ db: await getDb(), actor, filters });
  const filename = `audit-log-${new Date().toISOString().slice(0, 10)}.csv`;
  log.info("audit_log.exported", { orgId: actor.orgId, by: actor.userId, rows, truncated });
  return new Response(`\uFEFF${csv}`, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename}"`,
      "X-Content-Type-Options": "nosniff",
      "X-Audit-Rows": String(rows),
      ...(truncated ? { "X-Audit-Rows-Truncated": "true" } : {}),
    },
  });
});
