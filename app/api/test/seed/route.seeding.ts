import { z } from "zod";
import { readJsonOrRefusal } from "@/lib/http/read-limited-body";
import { getDb } from "@/db/client";
import { roles } from "@/db/schema";
import { seedOrg } from "@/lib/testing/seed-org";
import { hasTestSecret } from "@/lib/testing/test-secret";

const TEST_BODY_MAX_BYTES = 64 * 1024;

const bodySchema = z.object({ name: z.string().min(1).max(100), roles: z.array(z.enum(roles)).min(1).max(10) });

/**
 * End-to-end test seeding. Answers 404 unless the server was started with E2E_SEED_SECRET (which
 * configuration refuses outside loopback) and the request carries that secret.
 */
export async function POST(request: Request) {
  if (!hasTestSecret(request)) return new Response("Not Found", { status: 404 });
  const read = await readJsonOrRefusal(request, TEST_BODY_MAX_BYTES);
  if (!read.ok) return read.response;
  const parsed = bodySchema.safeParse(read.body);
  if (!parsed.success) return Response.json({ error: { code: "validation_failed" } }, { status: 400 });
  return Response.json(await seedOrg({ db: await getDb(), ...parsed.data }));
}
