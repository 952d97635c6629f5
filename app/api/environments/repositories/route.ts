import { z } from "zod";
import { getDatabase } from "@/db/client";
import { actorRoute } from "@/lib/auth/actor-route";
import { getEnv } from "@/lib/env";
import { listRepositories } from "@/lib/environments/list-repositories";
import { AppError } from "@/lib/errors/app-error";
import { workspaceRoles } from "@/lib/settings/sections";

export const dynamic = "force-dynamic";

const querySchema = z.object({
  runnerId: z.string().uuid(),
  host: z.string().trim().min(1).max(260),
  q: z.string().trim().max(100).optional(),
});

/**
 * The repository picker of the environment form: the repositories the person's own connection
 * can see on `host` through `runnerId`, listed by the runner (`?runnerId&host&q`). Refusals are
 * the catalogue's typed errors (connect first, reconnect, runner offline).
 */
export const GET = actorRoute({ name: "environments.repositories", roles: workspaceRoles("environments") }, async (request, actor) => {
  const parsed = querySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw new AppError("validation_failed", { fieldErrors: z.flattenError(parsed.error).fieldErrors as Record<string, string[]> });
  const { runnerId, host, q } = parsed.data;
  return listRepositories({ database: await getDatabase(), actor, runnerId, host, search: q ?? null, offlineAfterMs: getEnv().RUNNER_OFFLINE_AFTER_SECONDS * 1000 });
});
