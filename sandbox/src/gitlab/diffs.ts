import { runGit } from "../git/run-git";
import type { Router } from "../http/router";
import { notFound, paginate, projectAccess, type GlEnv } from "./common";
import { findMr, refresh } from "./merge-requests";
import { gl } from "./projects";

/** One changed file as `GET .../merge_requests/:iid/diffs` lists it. */
export interface GlDiff {
  old_path: string;
  new_path: string;
  a_mode: string;
  b_mode: string;
  diff: string;
  new_file: boolean;
  renamed_file: boolean;
  deleted_file: boolean;
  generated_file: boolean;
}

/**
 * The changed files between the merge base and the head, from git itself: `--name-status -z` for
 * the paths (exact, whatever characters they hold), and the patch of the same files in the same
 * order, each cut at its first `@@` as GitLab gives `diff` (a binary file has "").
 */
export async function mergeRequestDiffs(dir: string, home: string, base: string, head: string): Promise<GlDiff[]> {
  const range = `${base}...${head}`;
  const [names, patch] = await Promise.all([
    runGit(["diff", "-M", "--name-status", "-z", range], { cwd: dir, home }),
    runGit(["-c", "core.quotePath=false", "diff", "-M", "-U3", "--no-color", range], { cwd: dir, home }),
  ]);
  const fields = names.split("\0");
  const blocks = patch.split(/^diff --git /m).slice(1);
  const out: GlDiff[] = [];
  for (let i = 0; i < fields.length - 1; ) {
    const status = fields[i++] ?? "";
    const from = fields[i++] ?? "";
    const to = status.startsWith("R") || status.startsWith("C") ? (fields[i++] ?? from) : from;
    const block = blocks[out.length] ?? "";
    const hunks = block.indexOf("\n@@");
    const mode = (name: string) => new RegExp(`^${name} mode (\\d+)$`, "m").exec(block)?.[1];
    const index = /^index [0-9a-f]+\.\.[0-9a-f]+ (\d+)$/m.exec(block)?.[1];
    const added = status === "A";
    const deleted = status === "D";
    out.push({
      old_path: from,
      new_path: to,
      a_mode: added ? "0" : (mode("old") ?? mode("deleted file") ?? index ?? "100644"),
      b_mode: deleted ? "0" : (mode("new") ?? mode("new file") ?? index ?? "100644"),
      diff: hunks < 0 ? "" : `${block.slice(hunks + 1).replace(/\n$/, "")}\n`,
      new_file: added,
      renamed_file: status.startsWith("R"),
      deleted_file: deleted,
      generated_file: false,
    });
  }
  return out;
}

/** A merge request's changed files, paged (https://docs.gitlab.com/api/merge_requests/#list-merge-request-diffs). */
export function registerDiffRoutes(router: Router, env: GlEnv): void {
  router.on(
    "GET",
    "/api/v4/projects/:id/merge_requests/:iid/diffs",
    gl(env, async (ctx, auth) => {
      const access = projectAccess(ctx, env, auth, "read");
      if (!access) return;
      const mr = findMr(env, access.repo, ctx);
      if (!mr) return notFound(ctx);
      await refresh(env, access.repo, mr);
      ctx.json(200, paginate(ctx, await mergeRequestDiffs(access.repo.diskPath, env.home, mr.baseSha, mr.headSha)));
    }),
  );
}
