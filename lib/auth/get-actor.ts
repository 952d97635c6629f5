import { cache } from "react";
import { forbidden, redirect } from "next/navigation";
import { getDb } from "@/db/client";
import type { Role } from "@/db/schema";
import type { Actor } from "../users/actor";
import { loadActor } from "../users/load-actor";
import { getSessionClaims } from "./auth";

/**
 * The signed-in actor for this request, re-read from the database (once per request): null when
 * signed out, or when the user has since been disabled or removed.
 */
export const getActor = cache(async (): Promise<Actor | null> => {
  const claims = await getSessionClaims();
  if (!claims) return null;
  return loadActor({ db: await getDb(), ...claims });
});

/** For pages: the actor, or a redirect to sign-in; `forbidden()` (403 page) without one of `roles`. */
export async function requirePageActor(roles?: readonly Role[]): Promise<Actor> {
  const actor = await getActor();
  if (!actor) redirect("/login");
  if (roles && !roles.includes(actor.role)) forbidden();
  return actor;
}
