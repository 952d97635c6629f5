import { getDb } from "@/db/client";
import { getActor } from "@/lib/auth/get-actor";
import { AppError, errorBody, isAppError } from "@/lib/errors/app-error";
import { readJobStatus } from "@/lib/integrations/read-job-status";
import { jobIdSchema } from "@/lib/integrations/schemas";
import { log } from "@/lib/log/logger";

export const dynamic = "force-dynamic";

const noStore = { "Cache-Control": "no-store" };

/**
 * A job's progress and outcome for the signed-in admin's browser (Save & Test polls it). Jobs of
 * other organizations, and ids that are not jobs, are 404 alike.
 */
export async function GET(_request: Request, { params }: { params: Promise<{ jobId: string }> }) {
  try {
    const actor = await getActor();
    if (!actor) throw new AppError("unauthenticated");
    if (actor.role !== "admin") throw new AppError("forbidden");
    const { jobId } = await params;
    if (!jobIdSchema.safeParse(jobId).success) throw new AppError("not_found");
    return Response.json(await readJobStatus({ db: await getDb(), actor, jobId }), { headers: noStore });
  } catch (e) {
    if (isAppError(e)) return Response.json(errorBody(e), { status: e.status, headers: noStore });
    log.error("jobs.status_failed", { error: e });
    return Response.json(errorBody(new AppError("internal_error")), { status: 500, headers: noStore });
  }
}
