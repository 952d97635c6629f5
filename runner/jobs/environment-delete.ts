import { environmentDeletePayloadSchema } from "@/lib/git-auth/job-payloads";
import { log } from "@/runner/log";
import { parsePayload } from "./job-support";
import type { JobHandler } from "./types";

/**
 * `environment.delete`: stops serving the environment's agent tools, then removes everything the
 * runner holds for it: its credential socket, every process of its OS user, the clone, its home,
 * the endpoint file and record, and the OS user itself. Succeeds when there was nothing left
 * (a retry, or an environment whose clone never finished). Returns `{ removed }`.
 */
export const environmentDelete: JobHandler = async (raw, ctx) => {
  const { environmentId } = parsePayload(environmentDeletePayloadSchema, raw, "environment");
  await ctx.progress("removing");
  const { removed } = await ctx.environments.exclusive(environmentId, async () => {
    await ctx.environmentGone(environmentId);
    return ctx.environments.remove(environmentId);
  });
  log.info("environment.deleted", { jobId: ctx.jobId, environmentId, removed });
  return { removed };
};
