import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { organizations } from "@/db/schema";
import { writeAudit } from "../audit/write-audit";
import { AppError } from "../errors/app-error";
import { RETENTION_DAYS_MAX, RETENTION_DAYS_MIN } from "../retention/sweep-retention";
import { assertRole, type Actor } from "../users/actor";

/** The organization's retention period: its own, or the plane's default (RETENTION_EVENTS_DAYS). */
export type RetentionSetting = { days: number | null; defaultDays: number; effectiveDays: number };

/** The form field: empty means "the plane's default". */
export const retentionDaysSchema = z.object({
  retentionDays: z
    .union([z.number(), z.string()])
    .optional()
    .nullable()
    .transform((v) => (v === undefined || v === null || (typeof v === "string" && v.trim() === "") ? null : Number(v)))
    .pipe(
      z
        .number("Enter a number of days")
        .int("Enter a whole number of days")
        .min(RETENTION_DAYS_MIN, `Keep records at least ${RETENTION_DAYS_MIN} day`)
        .max(RETENTION_DAYS_MAX, `At most ${RETENTION_DAYS_MAX} days (10 years)`)
        .nullable(),
    ),
});

/** How long Diagnostics events, agent activity and finished jobs are kept in the actor's organization (admins and support). */
export async function getRetentionSetting(opts: { db: Db; actor: Actor; defaultDays: number }): Promise<RetentionSetting> {
  assertRole(opts.actor, "admin", "support");
  const [org] = await opts.db.select({ days: organizations.retentionDays }).from(organizations).where(eq(organizations.id, opts.actor.orgId));
  if (!org) throw new AppError("not_found");
  return { days: org.days, defaultDays: opts.defaultDays, effectiveDays: org.days ?? opts.defaultDays };
}

/**
 * Sets the organization's retention period (admins), or back to the plane's default with null;
 * audited with the period before and after. The next sweep (every few minutes) applies it: a
 * shorter period deletes what is now older than it.
 */
export async function setRetentionDays(opts: { db: Db; actor: Actor; days: number | null }): Promise<void> {
  assertRole(opts.actor, "admin");
  const parsed = retentionDaysSchema.safeParse({ retentionDays: opts.days });
  if (!parsed.success) throw new AppError("validation_failed", { fieldErrors: { retentionDays: parsed.error.issues.map((i) => i.message) } });
  const { retentionDays } = parsed.data;
  await opts.db.transaction(async (tx) => {
    const [before] = await tx.select({ days: organizations.retentionDays, name: organizations.name }).from(organizations).where(eq(organizations.id, opts.actor.orgId)).for("update");
    if (!before) throw new AppError("not_found");
    if (before.days === retentionDays) return;
    await tx.update(organizations).set({ retentionDays }).where(eq(organizations.id, opts.actor.orgId));
    await writeAudit(tx, opts.actor, {
      action: "org.retention_changed",
      targetType: "organization",
      targetId: opts.actor.orgId,
      targetLabel: before.name,
      before: { retentionDays: before.days },
      after: { retentionDays },
    });
  });
}
