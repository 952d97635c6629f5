import type { Role } from "@/db/schema";
import { AppError } from "../errors/app-error";

/** The signed-in user acting in one organization, re-read from the database on every request. */
export type Actor = {
  userId: string;
  orgId: string;
  role: Role;
  email: string;
  name: string;
  orgName: string;
};

/** Throws `forbidden` unless the actor has one of `roles`. Domain functions call it themselves. */
export function assertRole(actor: Actor, ...roles: Role[]): void {
  if (!roles.includes(actor.role)) throw new AppError("forbidden");
}

export function hasRole(actor: Actor, ...roles: Role[]): boolean {
  return roles.includes(actor.role);
}
