import { and, asc, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { scmEvents, scmIntegrations } from "@/db/schema";
import { assertRole, type Actor } from "../users/actor";
import { diagnose, type Diagnosis } from "./diagnose";
import { selectNamedEvents, toDiagnosticEvent, type DiagnosticEvent } from "./search-events";

/** What the "Switch to OAuth" remedy needs to know about the integration an operation used. */
export type OAuthSwitchTarget = {
  integrationId: string;
  runnerId: string;
  host: string;
  oauthEnabled: boolean;
  /** The person whose operation failed, for telling support what that person should do. */
  personEmail: string | null;
  /** Whether the viewer is that person (only they can connect their own account). */
  viewerIsPerson: boolean;
};

export type Trail = {
  correlationId: string;
  events: DiagnosticEvent[];
  diagnosis: Diagnosis;
  /** Set when the remedy is to switch from a personal access token to OAuth. */
  switchToOAuth: OAuthSwitchTarget | null;
};

/** Codes whose remedy is to connect with OAuth instead of a personal access token. */
const OAUTH_REMEDY = new Set(["operation_aborted"]);

/**
 * One operation's timeline (admins and support): every event of a correlation id in the actor's
 * organization, oldest first, with the diagnosis and, when the remedy is OAuth, what the
 * "Switch to OAuth" button needs. Null when the id has no events here (or is another org's).
 */
export async function getTrail(opts: { db: DbOrTx; actor: Actor; correlationId: string }): Promise<Trail | null> {
  assertRole(opts.actor, "admin", "support");
  if (!/^[A-Za-z0-9:_-]{1,100}$/.test(opts.correlationId)) return null;
  const rows = await selectNamedEvents(opts.db)
    .where(and(eq(scmEvents.orgId, opts.actor.orgId), eq(scmEvents.correlationId, opts.correlationId)))
    .orderBy(asc(scmEvents.at), asc(scmEvents.id))
    .limit(500);
  if (rows.length === 0) return null;
  const events = rows.map(toDiagnosticEvent);
  const diagnosis = diagnose(events);

  let switchToOAuth: OAuthSwitchTarget | null = null;
  const integrationId = events.findLast((e) => e.integrationId)?.integrationId ?? null;
  if (diagnosis.code && OAUTH_REMEDY.has(diagnosis.code) && integrationId) {
    const [integration] = await opts.db
      .select({ id: scmIntegrations.id, runnerId: scmIntegrations.runnerId, host: scmIntegrations.host, oauthEnabled: scmIntegrations.oauthEnabled })
      .from(scmIntegrations)
      .where(and(eq(scmIntegrations.orgId, opts.actor.orgId), eq(scmIntegrations.id, integrationId)));
    const subject = events.findLast((e) => e.userId);
    if (integration) {
      switchToOAuth = {
        integrationId: integration.id,
        runnerId: integration.runnerId,
        host: integration.host,
        oauthEnabled: integration.oauthEnabled,
        personEmail: subject?.userEmail ?? null,
        viewerIsPerson: subject?.userId === opts.actor.userId,
      };
    }
  }
  return { correlationId: opts.correlationId, events, diagnosis, switchToOAuth };
}
