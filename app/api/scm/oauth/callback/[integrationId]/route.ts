import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { getActor } from "@/lib/auth/get-actor";
import { getEnv } from "@/lib/env";
import { completeOAuthCallback } from "@/lib/git-auth/complete-oauth-callback";

export const dynamic = "force-dynamic";

/**
 * The provider redirects here after the person authorizes (or declines). Signed out: sign in
 * first and come back with the same query. Then the state is checked and spent, the code sealed
 * for the runner, and the person sent back to where they started, which shows progress.
 */
export async function GET(request: Request, { params }: { params: Promise<{ integrationId: string }> }) {
  const { integrationId } = await params;
  const env = getEnv();
  const url = new URL(request.url);
  const to = (path: string) => NextResponse.redirect(new URL(path, env.PUBLIC_BASE_URL), { status: 303, headers: { "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" } });
  const actor = await getActor();
  if (!actor) return to(`/login?${new URLSearchParams({ returnTo: `/api/scm/oauth/callback/${integrationId}${url.search}` })}`);
  if (!/^[0-9a-f-]{36}$/.test(integrationId)) return to(`/settings/git-authentications?error=oauth_state_invalid`);
  const outcome = await completeOAuthCallback({ db: await getDb(), actor, integrationId, params: url.searchParams, publicBaseUrl: env.PUBLIC_BASE_URL });
  const target = new URL(outcome.returnTo, env.PUBLIC_BASE_URL);
  target.searchParams.set("integration", outcome.integrationId);
  if (outcome.ok) target.searchParams.set("connecting", outcome.jobId);
  else target.searchParams.set("error", outcome.code);
  return to(target.pathname + target.search);
}
