import crypto from "node:crypto";
import type { z } from "zod";
import type { Role } from "@/db/schema";
import { runWithCorrelation } from "../diagnostics/correlation";
import { AppError, isAppError } from "../errors/app-error";
import { describeCode } from "../errors/catalogue";
import { log } from "../log/logger";
import type { Actor } from "../users/actor";
import type { ActionResult } from "./result";

/** Largest total size of an action's string fields: far above any form of ours, far below abuse. */
export const MAX_ACTION_INPUT_BYTES = 64 * 1024;

export type ActionAccess = { roles: readonly Role[] } | "public";

export type ActionDeps = {
  /** The request's Origin, Host and Sec-Fetch-Site headers (absent outside a request). */
  requestHeaders: () => Promise<{ origin: string | null; host: string | null; fetchSite: string | null }>;
  /** The session's actor, re-read from the database; null when signed out, disabled or removed. */
  loadActor: () => Promise<Actor | null>;
  /** Re-throws framework control flow (redirects) that must not be turned into errors. */
  rethrow: (e: unknown) => void;
};

function toObject(input: unknown): Record<string, unknown> {
  if (input instanceof FormData) {
    const out: Record<string, unknown> = {};
    for (const [key, value] of input.entries()) {
      if (key.startsWith("$ACTION")) continue; // Next's own fields
      if (typeof value !== "string") continue; // no action of ours takes files
      const prev = out[key];
      out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
    }
    return out;
  }
  if (input && typeof input === "object") return input as Record<string, unknown>;
  return {};
}

function inputSize(obj: unknown): number {
  return JSON.stringify(obj ?? null).length;
}

function failure(e: AppError): ActionResult<never> {
  return { ok: false, code: e.code, message: e.message, entry: describeCode(e.code).entry, ...(e.fieldErrors ? { fieldErrors: e.fieldErrors } : {}) };
}

/**
 * The one path every server action takes: refuse cross-site requests, bound the input size,
 * load the actor (session + database re-check), check the role, parse with zod, run, and turn
 * every failure into a typed `ActionResult`. Inputs are never echoed back, so a failed form
 * cannot leak a secret it was given.
 */
export async function runAction<S extends z.ZodType, T>(
  deps: ActionDeps,
  spec: { name: string; schema: S; access: ActionAccess; handler: (input: z.output<S>, actor: Actor | null) => Promise<T> },
  rawInput: unknown,
): Promise<ActionResult<T>> {
  const correlationId = crypto.randomUUID();
  try {
    const h = await deps.requestHeaders();
    if (h.fetchSite === "cross-site") throw new AppError("cross_site_request");
    if (h.origin && h.host) {
      let originHost: string | null = null;
      try {
        originHost = new URL(h.origin).host;
      } catch {
        originHost = null;
      }
      if (originHost !== h.host) throw new AppError("cross_site_request");
    }
    const input = toObject(rawInput);
    if (inputSize(input) > MAX_ACTION_INPUT_BYTES) throw new AppError("payload_too_large");

    let actor: Actor | null = null;
    if (spec.access !== "public") {
      actor = await deps.loadActor();
      if (!actor) throw new AppError("unauthenticated");
      if (!spec.access.roles.includes(actor.role)) throw new AppError("forbidden");
    }

    const parsed = spec.schema.safeParse(input);
    if (!parsed.success) {
      const fieldErrors: Record<string, string[]> = {};
      for (const issue of parsed.error.issues) {
        const key = issue.path.map(String).join(".") || "_form";
        (fieldErrors[key] ??= []).push(issue.message);
      }
      throw new AppError("validation_failed", { fieldErrors });
    }
    // Everything the action records or enqueues shares its correlation id (see Diagnostics).
    const data = await runWithCorrelation({ correlationId, actorId: actor?.userId ?? null }, () => spec.handler(parsed.data, actor));
    return { ok: true, data };
  } catch (e) {
    deps.rethrow(e);
    if (isAppError(e)) {
      if (e.status >= 500) log.error("action.failed", { action: spec.name, errorCode: e.code, correlationId });
      else log.info("action.refused", { action: spec.name, errorCode: e.code, correlationId });
      return failure(e);
    }
    log.error("action.error", { action: spec.name, correlationId, error: e });
    return failure(new AppError("internal_error"));
  }
}
