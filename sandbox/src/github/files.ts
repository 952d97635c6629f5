import { runGit } from "../git/run-git";
import type { Router } from "../http/router";
import type { PullRequest, Repo } from "../types";
import { ghNotFound, paginate, repoAccess, type GhEnv } from "./common";
import { findPull, refreshHead } from "./pulls";
import { gh } from "./repos";

const DOC = "/rest/pulls/pulls#list-pull-requests-files";

/** What `git diff --raw` letters are called in GitHub's `diff-entry.status`. */
const STATUS: Record<string, string> = { A: "added", M: "modified", D: "removed", R: "renamed", C: "copied", T: "changed" };

interface ChangedFile {
  path: string;
  previousPath: string | null;
  status: string;
  blob: string;
  additions: number;
  deletions: number;
  binary: boolean;
}

/** The files a pull request changes, from the merge base to the head, with renames detected. */
async function changedFiles(env: GhEnv, repo: Repo, pr: PullRequest): Promise<ChangedFile[]> {
  const range = `${pr.baseSha}...${pr.headSha}`;
  const [raw, numstat] = await Promise.all([
    runGit(["diff", "--raw", "-z", "--no-abbrev", "-M", range], { cwd: repo.diskPath, home: env.home }),
    runGit(["diff", "--numstat", "-z", "-M", range], { cwd: repo.diskPath, home: env.home }),
  ]);
  const counts: { additions: number; deletions: number; binary: boolean }[] = [];
  const stat = numstat.split("\0");
  for (let i = 0; i < stat.length; i++) {
    const entry = stat[i];
    if (!entry) continue;
    const [add = "", del = "", path = ""] = entry.split("\t");
    if (path === "") i += 2; // a rename: the old and new paths follow as their own fields
    counts.push({ additions: Number(add) || 0, deletions: Number(del) || 0, binary: add === "-" });
  }
  const files: ChangedFile[] = [];
  const fields = raw.split("\0");
  for (let i = 0; i < fields.length; i++) {
    const meta = fields[i];
    if (!meta?.startsWith(":")) continue;
    const [, , oldBlob = "", newBlob = "", letters = ""] = meta.slice(1).split(" ");
    const letter = letters[0] ?? "M";
    const twoPaths = letter === "R" || letter === "C";
    const first = fields[++i] ?? "";
    const path = twoPaths ? (fields[++i] ?? "") : first;
    const count = counts[files.length] ?? { additions: 0, deletions: 0, binary: false };
    files.push({ path, previousPath: twoPaths ? first : null, status: STATUS[letter] ?? "modified", blob: letter === "D" ? oldBlob : newBlob, ...count });
  }
  return files;
}

/** The file's unified diff from its first `@@` line, as GitHub's `patch`; undefined for binary files. */
async function patchOf(env: GhEnv, repo: Repo, pr: PullRequest, file: ChangedFile): Promise<string | undefined> {
  if (file.binary) return undefined;
  const paths = file.previousPath ? [file.previousPath, file.path] : [file.path];
  const out = await runGit(["diff", "-M", "-U3", `${pr.baseSha}...${pr.headSha}`, "--", ...paths], { cwd: repo.diskPath, home: env.home });
  const start = out.indexOf("@@");
  return start < 0 ? undefined : out.slice(start).replace(/\n$/, "");
}

/** `GET /repos/{owner}/{repo}/pulls/{pull_number}/files`: the `diff-entry` list, patches computed by git. */
export function registerFileRoutes(router: Router, env: GhEnv): void {
  router.on(
    "GET",
    "/repos/:owner/:repo/pulls/:pull_number/files",
    gh(env, async (ctx, auth) => {
      const access = repoAccess(ctx, env, auth, "read", DOC);
      if (!access) return;
      const { repo } = access;
      const pr = findPull(env, repo, ctx);
      if (!pr) return ghNotFound(ctx, DOC);
      await refreshHead(env, repo, pr);
      const page = paginate(ctx, await changedFiles(env, repo, pr));
      const api = `${env.apiUrl()}/repos/${repo.path}`;
      const web = `${env.webUrl()}/${repo.path}`;
      const entries = [];
      for (const file of page) {
        const patch = await patchOf(env, repo, pr, file);
        const at = encodeURI(file.path);
        entries.push({
          sha: file.blob,
          filename: file.path,
          status: file.status,
          additions: file.additions,
          deletions: file.deletions,
          changes: file.additions + file.deletions,
          blob_url: `${web}/blob/${pr.headSha}/${at}`,
          raw_url: `${web}/raw/${pr.headSha}/${at}`,
          contents_url: `${api}/contents/${at}?ref=${pr.headSha}`,
          ...(patch === undefined ? {} : { patch }),
          ...(file.previousPath ? { previous_filename: file.previousPath } : {}),
        });
      }
      ctx.json(200, entries);
    }),
  );
}
