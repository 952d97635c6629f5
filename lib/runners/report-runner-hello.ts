import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { runners } from "@/db/schema";
import type { AuthenticatedRunner } from "./authenticate-runner";
import type { RunnerHello } from "./protocol";

/**
 * `POST /me`: a runner says, each time it connects, which version it runs and whether it isolates
 * its environments (Settings > Runners shows both; an unisolated runner is kept to one person's
 * environments unless an admin allows shared use).
 */
export async function reportRunnerHello(opts: { db: Db; runner: AuthenticatedRunner; hello: RunnerHello }): Promise<{ runnerId: string; name: string; keyId: string }> {
  await opts.db.update(runners).set({ version: opts.hello.version, isolation: opts.hello.isolation, lastSeenAt: sql`now()` }).where(eq(runners.id, opts.runner.id));
  return { runnerId: opts.runner.id, name: opts.runner.name, keyId: opts.runner.keyId };
}
