import { notFound } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db/client";
import { getEnv } from "@/lib/env";
import { isAppError } from "@/lib/errors/app-error";
import { findIntegration } from "@/lib/integrations/list-integrations";
import { findRunner } from "@/lib/runners/list-runners";
import type { Actor } from "@/lib/users/actor";

const uuid = z.uuid();

async function orNotFound<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (isAppError(e) && e.code === "not_found") notFound();
    throw e;
  }
}

/** The runner of a runners page URL, or the 404 page (unknown id, another org's runner, or not an id at all). */
export async function loadRunner(actor: Actor, runnerId: string) {
  if (!uuid.safeParse(runnerId).success) notFound();
  const db = await getDb();
  return orNotFound(() => findRunner({ db, actor, runnerId, offlineAfterMs: getEnv().RUNNER_OFFLINE_AFTER_SECONDS * 1000 }));
}

/** The integration of an integration page URL, on the runner the URL names, or the 404 page. */
export async function loadIntegration(actor: Actor, runnerId: string, integrationId: string) {
  if (!uuid.safeParse(integrationId).success) notFound();
  const db = await getDb();
  const integration = await orNotFound(() => findIntegration({ db, actor, integrationId }));
  if (integration.runnerId !== runnerId) notFound();
  return integration;
}
