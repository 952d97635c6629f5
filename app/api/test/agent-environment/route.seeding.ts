import { z } from "zod";
import { readJsonOrRefusal } from "@/lib/http/read-limited-body";
import { getDb } from "@/db/client";
import { providerIds } from "@/lib/providers";
import { seedAgentEnvironment } from "@/lib/testing/seed-agent-environment";
import { seedRegisteredRunner } from "@/lib/testing/seed-registered-runner";
import { hasTestSecret } from "@/lib/testing/test-secret";

const TEST_BODY_MAX_BYTES = 64 * 1024;

export const dynamic = "force-dynamic";

const bodySchema = z.object({
  orgId: z.string().uuid(),
  ownerId: z.string().uuid(),
  provider: z.enum(providerIds).default("github"),
  credential: z.enum(["connected", "needs_reauth", "none"]).default("connected"),
});

/**
 * End-to-end test seeding: a registered runner of the organization and a ready environment on it
 * owned by `ownerId`, so a test can act as that runner over the real runner API (agent tool calls)
 * with the returned access token. 404 unless the server was started with E2E_SEED_SECRET and the
 * request carries it, like `/api/test/seed`.
 */
export async function POST(request: Request) {
  if (!hasTestSecret(request)) return new Response("Not Found", { status: 404 });
  const read = await readJsonOrRefusal(request, TEST_BODY_MAX_BYTES);
  if (!read.ok) return read.response;
  const parsed = bodySchema.safeParse(read.body);
  if (!parsed.success) return Response.json({ error: { code: "validation_failed" } }, { status: 400 });
  const db = await getDb();
  const runner = await seedRegisteredRunner({ db, orgId: parsed.data.orgId });
  const environment = await seedAgentEnvironment({ db, runnerId: runner.runnerId, ...parsed.data });
  return Response.json({ runnerAccessToken: runner.accessToken, ...environment }, { headers: { "Cache-Control": "no-store" } });
}
