import { and, eq, isNull } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { runners, runnerTokens } from "@/db/schema";
import { AppError } from "../errors/app-error";
import { hashRunnerToken } from "./tokens";

export type AuthenticatedRunner = { id: string; orgId: string; name: string; keyId: string; publicKey: string };

/** Resolves a runner access token (from `Authorization: Bearer`) to its runner, or throws `runner_token_invalid`. */
export async function authenticateRunner(opts: { db: DbOrTx; token: string | null }): Promise<AuthenticatedRunner> {
  if (!opts.token || opts.token.length > 200) throw new AppError("runner_token_invalid");
  const [row] = await opts.db
    .select({ id: runners.id, orgId: runners.orgId, name: runners.name, keyId: runners.keyId, publicKey: runners.publicKey })
    .from(runnerTokens)
    .innerJoin(runners, eq(runners.id, runnerTokens.runnerId))
    .where(and(eq(runnerTokens.tokenHash, hashRunnerToken(opts.token)), eq(runnerTokens.kind, "access"), isNull(runnerTokens.revokedAt)));
  if (!row || !row.keyId || !row.publicKey) throw new AppError("runner_token_invalid");
  return { id: row.id, orgId: row.orgId, name: row.name, keyId: row.keyId, publicKey: row.publicKey };
}

/** Parses `Authorization: Bearer <token>`. */
export function bearerToken(header: string | null): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? "");
  return match ? match[1]! : null;
}
