import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { getActor } from "@/lib/auth/get-actor";
import { isSetupComplete } from "@/lib/orgs/is-setup-complete";

export const dynamic = "force-dynamic";

export default async function Home() {
  if (!(await isSetupComplete(await getDb()))) redirect("/setup");
  redirect((await getActor()) ? "/settings" : "/login");
}
