import { getDb } from "@/db/client";
import { getActor } from "@/lib/auth/get-actor";
import { getEnv } from "@/lib/env";
import { AppError, errorBody, isAppError } from "@/lib/errors/app-error";
import { log } from "@/lib/log/logger";
import { listRunnerStatuses } from "@/lib/runners/list-runner-statuses";
import { runnerStatusQuerySchema } from "@/lib/runners/schemas";

export const dynamic = "force-dynamic";

const noStore = { "Cache-Control": "no-store" };

/**
 * The live state (status, last seen, version, key) of the runners an admin page shows
 * (`?ids=` comma-separated, at most 100), which it polls while open so a runner coming online,
 * going offline or re-keying shows up.
 */
export async function GET(request: Request) {
  try {
    const actor = await getActor();
    if (!actor) throw new AppError("unauthenticated");
    if (actor.role !== "admin") throw new AppError("forbidden");
    const parsed = runnerStatusQuerySchema.safeParse({ ids: new URL(request.url).searchParams.get("ids") ?? "" });
    if (!parsed.success) throw new AppError("validation_failed", { fieldErrors: { ids: parsed.error.issues.map((i) => i.message) } });
    const runners = await listRunnerStatuses({ db: await getDb(), actor, runnerIds: parsed.data.ids, offlineAfterMs: getEnv().RUNNER_OFFLINE_AFTER_SECONDS * 1000 });
    return Response.json(
      {
        now: new Date().toISOString(),
        runners: runners.map((r) => ({ id: r.id, status: r.status, lastSeenAt: r.lastSeenAt?.toISOString() ?? null, version: r.version, keyId: r.keyId, fingerprint: r.fingerprint })),
      },
      { headers: noStore },
    );
  } catch (e) {
    if (isAppError(e)) return Response.json(errorBody(e), { status: e.status, headers: noStore });
    log.error("runners.status_failed", { error: e });
    return Response.json(errorBody(new AppError("internal_error")), { status: 500, headers: noStore });
  }
}
