import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import type { RunnerInstall } from "./runner-install";

/** The runner artifact this plane serves, as its build described it (dist/runner/manifest.json). */
export type RunnerArtifact = { version: string; file: string; sha256: string; size: number; path: string };

const manifestSchema = z.object({
  version: z.string().min(1),
  file: z.string().regex(/^scm-runner-[\w.+-]+\.tgz$/),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().positive(),
});

/** Where the build put it: RUNNER_ARTIFACT_DIR, else `dist/runner` in the working directory (the standalone output has it there). */
export function runnerArtifactDir(env: NodeJS.ProcessEnv = process.env): string {
  // turbopackIgnore: a path known only at run time, which the build must not trace (it would copy the whole project).
  return path.resolve(/* turbopackIgnore: true */ env.RUNNER_ARTIFACT_DIR || path.join(/* turbopackIgnore: true */ process.cwd(), "dist", "runner"));
}

/** The artifact, or null when this plane was started without one (a development server before `npm run build`). */
export async function readRunnerArtifact(dir = runnerArtifactDir()): Promise<RunnerArtifact | null> {
  let text: string;
  try {
    text = await fs.readFile(/* turbopackIgnore: true */ path.join(dir, "manifest.json"), "utf8");
  } catch {
    return null;
  }
  const parsed = manifestSchema.safeParse(JSON.parse(text));
  if (!parsed.success) return null;
  const file = path.join(dir, parsed.data.file);
  const stat = await fs.stat(/* turbopackIgnore: true */ file).catch(() => null);
  return stat?.isFile() ? { ...parsed.data, path: file } : null;
}

/** The path the plane serves the artifact at; the file name carries the version, so caches never mix two. */
export function runnerArtifactUrl(publicBaseUrl: string, artifact: Pick<RunnerArtifact, "file">): string {
  return `${publicBaseUrl.replace(/\/+$/, "")}/downloads/${artifact.file}`;
}

/** This plane's address and the artifact it serves, for Settings > Runners' install commands. */
export async function runnerInstall(publicBaseUrl: string): Promise<RunnerInstall> {
  const artifact = await readRunnerArtifact();
  return { publicBaseUrl, artifact: artifact ? { file: artifact.file, version: artifact.version, sha256: artifact.sha256, url: runnerArtifactUrl(publicBaseUrl, artifact) } : null };
}
