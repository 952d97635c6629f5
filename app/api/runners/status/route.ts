import { getDb } from "@/db/client";
import { actorRoute } from "@/lib/auth/actor-route";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors/app-error";
import { listRunnerStatuses } from "@/lib/runners/list-runner-statuses";
import { runnerStatusQuerySchema } from "@/lib/runners/schemas";

export const dynamic = "force-dynamic";

/**
 * The live state (status, last seen, version, key) of the runners an admin page shows
 * (`?ids=` comma-separated, at most 100), which it polls while open so a runner coming online,
 * going offline or re-keying shows up.
 */
export const GET = actorRoute({ name: "runners.status", roles: ["admin"] }, async (request: Request, actor) => {
  const parsed = runnerStatusQuerySchema.safeParse({ ids: new URL(request.url).searchParams.get("ids") ?? "" });
  if (!parsed.success) throw new AppError("validation_failed", { fieldErrors: { ids: parsed.error.issues.map((i) => i.message) } });
  const runners = await listRunnerStatuses({ db: await getDb(), actor, runnerIds: parsed.data.ids, offlineAfterMs: getEnv().RUNNER_OFFLINE_AFTER_SECONDS * 1000 });
  return {
    now: new Date().toISOString(),
    runners: runners.map((r) => ({ id: r.id, status: r.status, lastSeenAt: r.lastSeenAt?.toISOString() ?? null, version: r.version, keyId: r.keyId, fingerprint: r.fingerprint })),
  };
});
