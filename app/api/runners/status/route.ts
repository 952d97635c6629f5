import { getDb } from "@/db/client";
import { getActor } from "@/lib/auth/get-actor";
import { getEnv } from "@/lib/env";
import { AppError, errorBody, isAppError } from "@/lib/errors/app-error";
import { log } from "@/lib/log/logger";
import { listRunners } from "@/lib/runners/list-runners";

export const dynamic = "force-dynamic";

const noStore = { "Cache-Control": "no-store" };

/**
 * The organization's runners' live state (status, last seen, version, key) for the admin pages,
 * which poll it while open so a runner coming online, going offline or re-keying shows up.
 */
export async function GET() {
  try {
    const actor = await getActor();
    if (!actor) throw new AppError("unauthenticated");
    if (actor.role !== "admin") throw new AppError("forbidden");
    const runners = await listRunners({ db: await getDb(), actor, offlineAfterMs: getEnv().RUNNER_OFFLINE_AFTER_SECONDS * 1000 });
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
