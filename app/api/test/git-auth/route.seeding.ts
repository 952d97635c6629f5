import { z } from "zod";
import { readJsonOrRefusal } from "@/lib/http/read-limited-body";
import { getDb } from "@/db/client";
import { providerIds } from "@/lib/providers/types";
import { seedGitAuth } from "@/lib/testing/seed-git-auth";
import { hasTestSecret } from "@/lib/testing/test-secret";

const TEST_BODY_MAX_BYTES = 64 * 1024;

export const dynamic = "force-dynamic";

const bodySchema = z.object({
  orgId: z.string().uuid(),
  adminUserId: z.string().uuid(),
  runnerName: z.string().min(1).max(100).optional(),
  integrations: z
    .array(z.object({ provider: z.enum(providerIds), host: z.string().min(1).max(260), baseUrl: z.string().url(), oauth: z.boolean(), pat: z.boolean(), patScopes: z.array(z.string()).optional() }))
    .max(20),
  tokens: z
    .array(
      z.object({
        integration: z.number().int().min(0),
        userId: z.string().uuid(),
        source: z.enum(["oauth", "pat"]),
        login: z.string(),
        scopes: z.array(z.string()),
        expiresInSeconds: z.number().nullable().optional(),
        lastValidatedSecondsAgo: z.number().nullable().optional(),
        lastUsedSecondsAgo: z.number().nullable().optional(),
        needsReauthReason: z.enum(["expired", "revoked", "runner_key_rotated", "refresh_failed"]).nullable().optional(),
        withRefreshToken: z.boolean().optional(),
      }),
    )
    .max(50)
    .optional(),
});

/**
 * End-to-end seeding of a registered runner with integrations and users' sealed credentials; it
 * answers with the runner's access token and key pair so the test can play the runner. 404 unless
 * the server was started with E2E_SEED_SECRET and the request carries it.
 */
export async function POST(request: Request) {
  if (!hasTestSecret(request)) return new Response("Not Found", { status: 404 });
  const read = await readJsonOrRefusal(request, TEST_BODY_MAX_BYTES);
  if (!read.ok) return read.response;
  const parsed = bodySchema.safeParse(read.body);
  if (!parsed.success) return Response.json({ error: { code: "validation_failed" } }, { status: 400 });
  return Response.json(await seedGitAuth({ db: await getDb(), ...parsed.data }), { headers: { "Cache-Control": "no-store" } });
}
