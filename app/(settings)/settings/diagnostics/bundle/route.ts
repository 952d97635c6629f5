import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { requirePageActor } from "@/lib/auth/get-actor";
import { buildSupportBundle, type BundleTarget } from "@/lib/diagnostics/build-support-bundle";
import { getEnv } from "@/lib/env";
import { isAppError } from "@/lib/errors/app-error";
import { log } from "@/lib/log/logger";
import { sectionRoles } from "@/lib/settings/sections";

export const dynamic = "force-dynamic";

/**
 * The Support bundle forms' target (a browser navigation): the bundle as a download, or, when it
 * cannot be built (no such member or runner), back to the Support bundle tab with the typed error
 * shown there, never a JSON error page. Scripts use /api/diagnostics/bundle.
 */
export async function GET(request: Request) {
  const actor = await requirePageActor(sectionRoles("diagnostics"));
  const params = new URL(request.url).searchParams;
  const userEmail = params.get("userEmail")?.trim().slice(0, 320) ?? "";
  const runnerName = params.get("runner")?.trim().slice(0, 100) ?? "";
  const back = new URLSearchParams({ tab: "bundle" });
  if (userEmail) back.set("userEmail", userEmail);
  else if (runnerName) back.set("runner", runnerName);
  const target: BundleTarget | null = userEmail ? { userEmail } : runnerName ? { runnerName } : null;
  if (!target) {
    back.set("bundle_error", "validation_failed");
    redirect(`/settings/diagnostics?${back}`);
  }
  let bundle: Awaited<ReturnType<typeof buildSupportBundle>>;
  try {
    bundle = await buildSupportBundle({ db: await getDb(), actor, target, offlineAfterMs: getEnv().RUNNER_OFFLINE_AFTER_SECONDS * 1000 });
  } catch (e) {
    if (!isAppError(e)) throw e;
    back.set("bundle_error", e.code);
    redirect(`/settings/diagnostics?${back}`);
  }
  const label = ("userEmail" in target ? target.userEmail : `runner-${"runnerName" in target ? target.runnerName : ""}`).replace(/[^A-Za-z0-9.-]/g, "_").slice(0, 60);
  log.info("diagnostics.bundle_downloaded", { orgId: actor.orgId, by: actor.userId, target: "userEmail" in target ? "member" : "runner" });
  return new Response(JSON.stringify(bundle, null, 2), {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="scm-support-bundle-${label}-${bundle.generatedAt.slice(0, 10)}.json"`,
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "no-store",
    },
  });
}
