import { getDb } from "@/db/client";
import { actorRoute } from "@/lib/auth/actor-route";
import { findEnvironment } from "@/lib/environments/get-environment";
import { workspaceRoles } from "@/lib/settings/sections";

export const dynamic = "force-dynamic";

/**
 * The live state of one environment the person may see (their own; any of the organization's for
 * an admin), which its page and the list poll while it is being deleted: `deleted` once the runner
 * reports the clone and OS user gone. Another member's and unknown ids are 404 alike.
 */
export const GET = actorRoute({ name: "environments.status", roles: workspaceRoles("environments") }, async (_request, actor, { params }: { params: Promise<{ environmentId: string }> }) => {
  const { environmentId } = await params;
  const env = await findEnvironment({ db: await getDb(), actor, environmentId, includeDeleted: true });
  return { id: env.id, status: env.status, progress: env.progress, errorCode: env.errorCode };
});
