import { getDb } from "@/db/client";
import { actorRoute } from "@/lib/auth/actor-route";
import { AppError } from "@/lib/errors/app-error";
import { describeCodes } from "@/lib/errors/catalogue";
import { readJobStatus } from "@/lib/integrations/read-job-status";
import { jobIdSchema } from "@/lib/integrations/schemas";

export const dynamic = "force-dynamic";

/**
 * A job's progress and outcome for the signed-in admin's browser (Save & Test polls it). Its codes
 * come described (`errors`). Jobs of other organizations, and ids that are not jobs, are 404 alike.
 */
export const GET = actorRoute({ name: "jobs.status", roles: ["admin"] }, async (_request, actor, { params }: { params: Promise<{ jobId: string }> }) => {
  const { jobId } = await params;
  if (!jobIdSchema.safeParse(jobId).success) throw new AppError("not_found");
  const status = await readJobStatus({ db: await getDb(), actor, jobId });
  return { ...status, errors: describeCodes([status.errorCode, ...status.checks.map((c) => c.code)]) };
});
