import { getDb } from "@/db/client";
import { actorRoute } from "@/lib/auth/actor-route";
import { readAccessCheck } from "@/lib/diagnostics/read-access-check";
import { AppError } from "@/lib/errors/app-error";
import { describeCodes } from "@/lib/errors/catalogue";
import { sectionRoles } from "@/lib/settings/sections";

export const dynamic = "force-dynamic";

/** A Check access run's progress, with its codes described, for the Diagnostics page, which polls it (admins and support). */
export const GET = actorRoute({ name: "diagnostics.access_check_status", roles: sectionRoles("diagnostics") }, async (_request, actor, { params }: { params: Promise<{ checkId: string }> }) => {
  const { checkId } = await params;
  if (!/^[0-9a-f-]{36}$/.test(checkId)) throw new AppError("not_found");
  const status = await readAccessCheck({ db: await getDb(), actor, checkId });
  return { ...status, errors: describeCodes([status.errorCode, ...status.steps.map((s) => s.code)]) };
});
