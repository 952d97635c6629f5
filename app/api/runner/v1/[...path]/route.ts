import { getDatabase } from "@/db/client";
import { getEnv } from "@/lib/env";
import { handleRunnerRequest } from "@/lib/runners/api/handle-runner-request";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ path: string[] }> };

async function handle(request: Request, { params }: Params): Promise<Response> {
  const { path } = await params;
  return handleRunnerRequest(request, path, { database: await getDatabase(), localBootstrapSecret: getEnv().LOCAL_RUNNER_BOOTSTRAP_SECRET });
}

export const GET = handle;
export const POST = handle;
