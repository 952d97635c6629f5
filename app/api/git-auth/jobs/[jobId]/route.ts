import { getDb } from "@/db/client";
import { getActor } from "@/lib/auth/get-actor";
import { AppError, errorBody } from "@/lib/errors/app-error";
import { describeCode, isErrorCode } from "@/lib/errors/catalogue";
import { readConnectionJob } from "@/lib/git-auth/read-connection-job";

export const dynamic = "force-dynamic";

/** Status of one of the signed-in person's own connection or clone jobs (polled while they wait). */
export async function GET(_request: Request, { params }: { params: Promise<{ jobId: string }> }) {
  const actor = await getActor();
  if (!actor) return Response.json(errorBody(new AppError("unauthenticated")), { status: 401 });
  const { jobId } = await params;
  const job = /^[0-9a-f-]{36}$/.test(jobId) ? await readConnectionJob({ db: await getDb(), actor, jobId }) : null;
  if (!job) return Response.json(errorBody(new AppError("not_found")), { status: 404 });
  const error = job.errorCode && isErrorCode(job.errorCode) ? { code: job.errorCode, ...describeCode(job.errorCode).entry } : null;
  return Response.json(
    { id: job.id, kind: job.kind, status: job.status, progress: job.progress, error, finishedAt: job.finishedAt },
    { headers: { "Cache-Control": "no-store" } },
  );
}
