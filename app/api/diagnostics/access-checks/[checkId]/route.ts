import { getDb } from "@/db/client";
import { getActor } from "@/lib/auth/get-actor";
import { readAccessCheck } from "@/lib/diagnostics/read-access-check";
import { AppError, errorBody, isAppError } from "@/lib/errors/app-error";
import { log } from "@/lib/log/logger";
import { sectionRoles } from "@/lib/settings/sections";

export const dynamic = "force-dynamic";

const noStore = { "Cache-Control": "no-store" };

/** A Check access run's progress for the Diagnostics page, which polls it (admins and support). */
export async function GET(_request: Request, { params }: { params: Promise<{ checkId: string }> }) {
  try {
    const actor = await getActor();
    if (!actor) throw new AppError("unauthenticated");
    if (!sectionRoles("diagnostics").includes(actor.role)) throw new AppError("forbidden");
    const { checkId } = await params;
    if (!/^[0-9a-f-]{36}$/.test(checkId)) throw new AppError("not_found");
    return Response.json(await readAccessCheck({ db: await getDb(), actor, checkId }), { headers: noStore });
  } catch (e) {
    if (isAppError(e)) return Response.json(errorBody(e), { status: e.status, headers: noStore });
    log.error("diagnostics.access_check_status_failed", { error: e });
    return Response.json(errorBody(new AppError("internal_error")), { status: 500, headers: noStore });
  }
}
