import { headers } from "next/headers";
import { unstable_rethrow } from "next/navigation";
import type { z } from "zod";
import { getActor } from "../auth/get-actor";
import type { Actor } from "../users/actor";
import type { ActionResult } from "./result";
import { runAction, type ActionAccess } from "./run-action";

/**
 * Declares a server action: `access` is "public" or the roles allowed, `schema` parses the form
 * fields, `handler` does the work with a verified actor. Usable directly as a `useActionState`
 * action (`(prev, formData)`) or called with a plain object.
 */
export function createAction<S extends z.ZodType, T, A extends ActionAccess>(spec: {
  name: string;
  access: A;
  schema: S;
  handler: (input: z.output<S>, actor: A extends "public" ? Actor | null : Actor) => Promise<T>;
}) {
  return async (_prev: ActionResult<T> | null, input: FormData | z.input<S>): Promise<ActionResult<T>> =>
    runAction(
      {
        requestHeaders: async () => {
          const h = await headers();
          return { origin: h.get("origin"), host: h.get("x-forwarded-host") ?? h.get("host"), fetchSite: h.get("sec-fetch-site") };
        },
        loadActor: getActor,
        rethrow: unstable_rethrow,
      },
      spec as never,
      input,
    );
}
