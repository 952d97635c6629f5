import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db/client";
import { requirePageActor } from "@/lib/auth/get-actor";
import { findIntegrationByHost } from "@/lib/integrations/find-integration-by-host";
import { sectionRoles } from "@/lib/settings/sections";

export const dynamic = "force-dynamic";

/**
 * `?host=`: opens the runner's integration for that host (the link `host_taken` offers on the
 * Add a Git provider form), or the runner's page when it has none (it may have been removed since).
 */
export async function GET(request: Request, { params }: { params: Promise<{ runnerId: string }> }) {
  const actor = await requirePageActor(sectionRoles("runners"));
  const { runnerId } = await params;
  if (!z.uuid().safeParse(runnerId).success) redirect("/settings/runners");
  const host = new URL(request.url).searchParams.get("host")?.slice(0, 260) ?? "";
  const id = host ? await findIntegrationByHost({ db: await getDb(), actor, runnerId, host }) : null;
  redirect(id ? `/settings/runners/${runnerId}/integrations/${id}` : `/settings/runners/${runnerId}`);
}
