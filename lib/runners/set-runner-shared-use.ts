import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { runners } from "@/db/schema";
import { writeAudit } from "../audit/write-audit";
import { AppError } from "../errors/app-error";
import { assertRole, type Actor } from "../users/actor";

/**
 * Turns shared use of a runner that cannot isolate its environments on or off (admins). With it
 * on, the runner hosts several people's environments although every one runs as the same OS
 * user, so code in any of them can read the Git credentials of the others; with it off (the
 * default) a second person's environment is refused with `runner_not_isolated`. Turning it off
 * leaves environments that already exist where they are. A runner that isolates (an OS user per
 * environment) needs no shared use: turning it on there is refused. Written to the audit log when
 * it changes; setting the value it already has changes nothing.
 */
export async function setRunnerSharedUse(opts: { db: Db; actor: Actor; runnerId: string; sharedUse: boolean }): Promise<{ sharedUse: boolean; changed: boolean }> {
  assertRole(opts.actor, "admin");
  return opts.db.transaction(async (tx) => {
    const [runner] = await tx
      .select({ id: runners.id, name: runners.name, isolation: runners.isolation, sharedUse: runners.sharedUse })
      .from(runners)
      .where(and(eq(runners.orgId, opts.actor.orgId), eq(runners.id, opts.runnerId)))
      .for("update");
    if (!runner) throw new AppError("not_found");
    if (runner.sharedUse === opts.sharedUse) return { sharedUse: runner.sharedUse, changed: false };
    if (opts.sharedUse && runner.isolation === "os_user") {
      throw new AppError("validation_failed", { fieldErrors: { sharedUse: ["This runner gives every environment an OS user of its own, so it can host several people's environments without shared use."] } });
    }
    await tx.update(runners).set({ sharedUse: opts.sharedUse }).where(eq(runners.id, runner.id));
    await writeAudit(tx, opts.actor, {
      action: "runner.shared_use_changed",
      targetType: "runner",
      targetId: runner.id,
      targetLabel: runner.name,
      before: { sharedUse: runner.sharedUse, isolation: runner.isolation },
      after: { sharedUse: opts.sharedUse, isolation: runner.isolation },
    });
    return { sharedUse: opts.sharedUse, changed: true };
  });
}
