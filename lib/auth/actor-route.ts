import type { Role } from "@/db/schema";
import { AppError, errorBody, isAppError } from "../errors/app-error";
import { log } from "../log/logger";
import type { Actor } from "../users/actor";
import { getActor } from "./get-actor";

const noStore = { "Cache-Control": "no-store" };

/**
 * A GET route handler for the signed-in browser: the actor is loaded again (401 signed out, 403
 * without one of `roles`), and every answer is uncached. A typed error becomes its JSON body and
 * status; anything else is logged as `<name>_failed` and answered as `internal_error`.
 */
export function actorRoute<C>(
  opts: { name: string; roles: readonly Role[] },
  handler: (request: Request, actor: Actor, context: C) => Promise<unknown>,
): (request: Request, context?: C) => Promise<Response> {
  // Next passes the route's context (its params) to every handler; routes without params ignore it.
  return async (request, context) => {
    try {
      const actor = await getActor();
      if (!actor) throw new AppError("unauthenticated");
      if (!opts.roles.includes(actor.role)) throw new AppError("forbidden");
      const result = await handler(request, actor, context as C);
      if (result instanceof Response) {
        result.headers.set("Cache-Control", "no-store");
        return result;
      }
      return Response.json(result, { headers: noStore });
    } catch (e) {
      if (isAppError(e)) return Response.json(errorBody(e), { status: e.status, headers: noStore });
      log.error(`${opts.name}_failed`, { error: e });
      return Response.json(errorBody(new AppError("internal_error")), { status: 500, headers: noStore });
    }
  };
}
