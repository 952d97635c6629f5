import { z } from "zod";
import { readJsonOrRefusal } from "@/lib/http/read-limited-body";
import { getDatabase } from "@/db/client";
import { channelState, enqueueTestJob } from "@/lib/testing/enqueue-test-job";
import { hasTestSecret } from "@/lib/testing/test-secret";

const TEST_BODY_MAX_BYTES = 64 * 1024;

export const dynamic = "force-dynamic";

const bodySchema = z.object({ orgId: z.string().uuid(), runnerId: z.string().uuid(), payload: z.unknown().optional() });

const notFound = () => new Response("Not Found", { status: 404 });

/**
 * Benchmark-only: writes a job for a runner and answers when it committed (POST), or reports how
 * many long-polls this process holds and its memory, after a full GC with `?gc=1` (GET). 404
 * unless the server was started with E2E_SEED_SECRET and the request carries it, like the
 * end-to-end seeding endpoint. It exists because only the app process may open the embedded
 * database while the app runs.
 */
export async function POST(request: Request) {
  if (!hasTestSecret(request)) return notFound();
  const read = await readJsonOrRefusal(request, TEST_BODY_MAX_BYTES);
  if (!read.ok) return read.response;
  const parsed = bodySchema.safeParse(read.body);
  if (!parsed.success) return Response.json({ error: { code: "validation_failed" } }, { status: 400 });
  return Response.json(await enqueueTestJob(await getDatabase(), parsed.data), { headers: { "Cache-Control": "no-store" } });
}

export async function GET(request: Request) {
  if (!hasTestSecret(request)) return notFound();
  const collect = new URL(request.url).searchParams.get("gc") === "1";
  return Response.json(channelState(await getDatabase(), { collect }), { headers: { "Cache-Control": "no-store" } });
}
