import fs from "node:fs";
import { Readable } from "node:stream";
import { AppError, errorBody } from "@/lib/errors/app-error";
import { readRunnerArtifact } from "@/lib/runners/runner-artifact";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ file: string }> };

function fail(e: AppError): Response {
  return Response.json(errorBody(e), { status: e.status });
}

/**
 * `GET /downloads/scm-runner-<version>.tgz`: the runner artifact matching this plane's version (no
 * secret in it, so no sign-in: the host that installs a runner has no session). `scm-runner.json`
 * describes it (version, file, sha256) for scripts that check what they download.
 */
export async function GET(_request: Request, { params }: Params): Promise<Response> {
  const { file } = await params;
  const artifact = await readRunnerArtifact();
  if (!artifact) return fail(new AppError("runner_artifact_unavailable"));
  if (file === "scm-runner.json") {
    return Response.json({ version: artifact.version, file: artifact.file, sha256: artifact.sha256, size: artifact.size, url: `/downloads/${artifact.file}` }, { headers: { "Cache-Control": "no-cache" } });
  }
  if (file !== artifact.file) return fail(new AppError("not_found", { message: `This server serves ${artifact.file} (runner ${artifact.version}), not ${file.slice(0, 80)}.` }));
  const body = Readable.toWeb(fs.createReadStream(/* turbopackIgnore: true */ artifact.path)) as ReadableStream<Uint8Array>;
  return new Response(body, {
    headers: {
      "Content-Type": "application/gzip",
      "Content-Length": String(artifact.size),
      "Content-Disposition": `attachment; filename="${artifact.file}"`,
      "Cache-Control": "public, max-age=31536000, immutable",
      "X-Checksum-Sha256": artifact.sha256,
    },
  });
}
