import { getDb } from "@/db/client";
import { actorRoute } from "@/lib/auth/actor-route";
import { buildSupportBundle, type BundleTarget } from "@/lib/diagnostics/build-support-bundle";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors/app-error";
import { log } from "@/lib/log/logger";
import { sectionRoles } from "@/lib/settings/sections";

export const dynamic = "force-dynamic";

/**
 * Downloads a support bundle (admins and support): `?userEmail=` for one member, `?runner=` (a
 * runner's name, as the page's form sends it) or `?runnerId=` for one runner. A redacted JSON file of the recent trail and configuration state, never a secret.
 */
export const GET = actorRoute({ name: "diagnostics.bundle", roles: sectionRoles("diagnostics") }, async (request: Request, actor) => {
  const params = new URL(request.url).searchParams;
  const userEmail = params.get("userEmail")?.trim().slice(0, 320) ?? "";
  const runnerId = params.get("runnerId")?.trim() ?? "";
  const runnerName = params.get("runner")?.trim().slice(0, 100) ?? "";
  let target: BundleTarget;
  if (userEmail) target = { userEmail };
  else if (/^[0-9a-f-]{36}$/.test(runnerId)) target = { runnerId };
  else if (runnerName) target = { runnerName };
  else throw new AppError("validation_failed", { fieldErrors: { userEmail: ["Enter a member's email address or choose a runner"] } });
  const bundle = await buildSupportBundle({ db: await getDb(), actor, target, offlineAfterMs: getEnv().RUNNER_OFFLINE_AFTER_SECONDS * 1000 });
  const label = ("userEmail" in target ? target.userEmail.replace(/[^A-Za-z0-9.-]/g, "_") : `runner-${"runnerId" in target ? target.runnerId.slice(0, 8) : target.runnerName.replace(/[^A-Za-z0-9.-]/g, "_")}`).slice(0, 60);
  const filename = `scm-support-bundle-${label}-${bundle.generatedAt.slice(0, 10)}.json`;
  log.info("diagnostics.bundle_downloaded", { orgId: actor.orgId, by: actor.userId, target: "userEmail" in target ? "member" : "runner" });
  return new Response(JSON.stringify(bundle, null, 2), {
    headers: { "Content-Type": "application/json; charset=utf-8", "Content-Disposition": `attachment; filename="${filename}"`, "X-Content-Type-Options": "nosniff" },
  });
});
