"use server";

import { getDb } from "@/db/client";
import { createAction } from "@/lib/actions/create-action";
import { getEnv } from "@/lib/env";
import { getRetentionSetting, retentionDaysSchema, setRetentionDays } from "@/lib/orgs/retention";

/** Sets how long the organization keeps Diagnostics events, agent activity and finished jobs; empty means the plane's default. */
export const setRetentionAction = createAction({
  name: "org.retention_changed",
  access: { roles: ["admin"] },
  schema: retentionDaysSchema,
  handler: async (input, actor) => {
    const db = await getDb();
    await setRetentionDays({ db, actor, days: input.retentionDays });
    return getRetentionSetting({ db, actor, defaultDays: getEnv().RETENTION_EVENTS_DAYS });
  },
});
