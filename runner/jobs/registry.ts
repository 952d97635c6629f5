import type { JobKind } from "@/lib/runners/protocol";
import { accessCheck } from "./access-check";
import { environmentCreate } from "./environment-create";
import { environmentDelete } from "./environment-delete";
import { integrationTest } from "./integration-test";
import { oauthExchange, revokeUndeliveredExchange } from "./oauth-exchange";
import { patValidate } from "./pat-validate";
import { repositoriesList } from "./repositories-list";
import { tokenRevoke } from "./token-revoke";
import type { JobHandler, UndeliveredResultHandler } from "./types";

/**
 * Every job kind this runner can do, one file per kind. A kind without an entry (one the plane
 * knows and this runner does not implement yet) fails with `runner_job_unsupported`.
 */
export const jobHandlers: Partial<Record<JobKind, JobHandler>> = {
  "integration.test": integrationTest,
  "oauth.exchange": oauthExchange,
  "pat.validate": patValidate,
  "token.revoke": tokenRevoke,
  "environment.create": environmentCreate,
  "environment.delete": environmentDelete,
  "access.check": accessCheck,
  "repositories.list": repositoriesList,
};

/** The handler for a kind received over the wire, or null when this runner does not know it. */
export function handlerFor(kind: string): JobHandler | null {
  return (Object.hasOwn(jobHandlers, kind) ? jobHandlers[kind as JobKind] : undefined) ?? null;
}

/** What a kind does with a result the plane did not take (see `UndeliveredResultHandler`). */
const undeliveredResultHandlers: Partial<Record<JobKind, UndeliveredResultHandler>> = {
  "oauth.exchange": revokeUndeliveredExchange,
};

/** The kind's handler for an undelivered result, or null when it has nothing to undo. */
export function undeliveredResultHandlerFor(kind: string): UndeliveredResultHandler | null {
  return (Object.hasOwn(undeliveredResultHandlers, kind) ? undeliveredResultHandlers[kind as JobKind] : undefined) ?? null;
}
