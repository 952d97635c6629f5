import { randomUUID } from "node:crypto";
import { commitInfo, resolveBranch } from "../git/repos";
import { runGit } from "../git/run-git";
import type { Router } from "../http/router";
import type { Ctx } from "../http/server";
import type { Repo } from "../types";
import { bbError } from "./api";
import { badField, bbPage, objectBody, repoAccess, type BbRestEnv } from "./common";
import { statusJson } from "./serializers";
import { bbState, type BbStatus, type BbStatusState } from "./state";

/**
 * Commits, diffs and build statuses from the repository's real git data:
 * - [`GET .../diffstat/{spec}`](https://developer.atlassian.com/cloud/bitbucket/rest/api-group-commits/#api-repositories-workspace-repo-slug-diffstat-spec-get)
 *   and [`GET .../diff/{spec}`](https://developer.atlassian.com/cloud/bitbucket/rest/api-group-commits/#api-repositories-workspace-repo-slug-diff-spec-get):
 *   `spec` is `source..destination` (what source has that destination has not) or one commit;
 *   `topic=true` diffs against the merge base ("three-dot"); `path` limits to one file.
 * - [`GET .../refs/branches/{name}`](https://developer.atlassian.com/cloud/bitbucket/rest/api-group-refs/#api-repositories-workspace-repo-slug-refs-branches-name-get).
 * - [`GET .../commit/{commit}`](https://developer.atlassian.com/cloud/bitbucket/rest/api-group-commits/#api-repositories-workspace-repo-slug-commit-commit-get).
 * - [`POST .../commit/{commit}/statuses/build`](https://developer.atlassian.com/cloud/bitbucket/rest/api-group-commit-statuses/#api-repositories-workspace-repo-slug-commit-commit-statuses-build-post)
 *   (what CI calls: `state`, `key`, `url` required; the same key updates the status; write access)
 *   and [`GET .../commit/{commit}/statuses`](https://developer.atlassian.com/cloud/bitbucket/rest/api-group-commit-statuses/#api-repositories-workspace-repo-slug-commit-commit-statuses-get).
 */

const STATES: BbStatusState[] = ["SUCCESSFUL", "FAILED", "INPROGRESS", "STOPPED"];

/** The full SHA of a (possibly short) commit, or null when the repository has no such commit. */
export async function fullSha(env: BbRestEnv, repo: Repo, rev: string): Promise<string | null> {
  if (!/^[0-9a-f]{4,40}$/i.test(rev)) return null;
  try {
    return (await runGit(["rev-parse", "--verify", "--quiet", `${rev}^{commit}`], { cwd: repo.diskPath, home: env.home })).trim();
  } catch {
    return null;
  }
}

/** The git revision range a spec names, or null after a 404 answered. */
async function range(ctx: Ctx, env: BbRestEnv, repo: Repo): Promise<string[] | null> {
  const spec = ctx.params.spec ?? "";
  const [source = "", destination] = spec.split("..");
  const head = await fullSha(env, repo, source);
  const base = destination === undefined ? (head ? `${head}^` : null) : await fullSha(env, repo, destination);
  if (!head || !base) {
    bbError(ctx, 404, `Commit not found: ${spec}`);
    return null;
  }
  return destination !== undefined && ctx.query.get("topic") === "true" ? [`${base}...${head}`] : [base, head];
}

interface StatEntry {
  status: "added" | "removed" | "modified" | "renamed";
  oldPath: string | null;
  newPath: string | null;
  added: number;
  removed: number;
}

async function diffstat(env: BbRestEnv, repo: Repo, revs: string[], path: string | null): Promise<StatEntry[]> {
  const limit = path ? ["--", path] : [];
  const opts = { cwd: repo.diskPath, home: env.home };
  const [names, numbers] = await Promise.all([runGit(["diff", "-z", "-M", "--name-status", ...revs, ...limit], opts), runGit(["diff", "-z", "-M", "--numstat", ...revs, ...limit], opts)]);
  const counts: { added: number; removed: number }[] = [];
  const num = numbers.split("\0");
  for (let i = 0; i < num.length; i += 1) {
    const m = /^(\d+|-)\t(\d+|-)\t(.*)$/.exec(num[i] ?? "");
    if (!m) continue;
    counts.push({ added: Number(m[1]) || 0, removed: Number(m[2]) || 0 });
    if (m[3] === "") i += 2;
  }
  const out: StatEntry[] = [];
  const parts = names.split("\0");
  for (let i = 0; i < parts.length - 1; ) {
    const code = parts[i++] ?? "";
    const first = parts[i++] ?? "";
    const n = counts[out.length] ?? { added: 0, removed: 0 };
    if (code.startsWith("R") || code.startsWith("C")) {
      out.push({ status: "renamed", oldPath: first, newPath: parts[i++] ?? "", ...n });
    } else {
      const status = code === "A" ? "added" : code === "D" ? "removed" : "modified";
      out.push({ status, oldPath: status === "added" ? null : first, newPath: status === "removed" ? null : first, ...n });
    }
  }
  return out;
}

function fileJson(env: BbRestEnv, repo: Repo, path: string | null, commit: string): Record<string, unknown> | null {
  if (path === null) return null;
  return { path, escaped_path: path, type: "commit_file", links: { self: { href: `${env.apiUrl()}/2.0/repositories/${repo.path}/src/${commit}/${path}` } } };
}

export function registerBitbucketCommits(router: Router, env: BbRestEnv): void {
  const base = "/2.0/repositories/:workspace/:repo_slug";

  router.on("GET", `${base}/diffstat/:spec`, async (ctx) => {
    const access = repoAccess(ctx, env, "repository", "read");
    const revs = access && (await range(ctx, env, access.repo));
    if (!access || !revs) return;
    const entries = await diffstat(env, access.repo, revs, ctx.query.get("path"));
    const head = revs.at(-1)?.split("...").at(-1) ?? "";
    const values = entries.map((e) => ({
      type: "diffstat",
      status: e.status,
      lines_added: e.added,
      lines_removed: e.removed,
      old: fileJson(env, access.repo, e.oldPath, head),
      new: fileJson(env, access.repo, e.newPath, head),
    }));
    const page = bbPage(ctx, values);
    if (page) ctx.json(200, page);
  });

  router.on("GET", `${base}/diff/:spec`, async (ctx) => {
    const access = repoAccess(ctx, env, "repository", "read");
    const revs = access && (await range(ctx, env, access.repo));
    if (!access || !revs) return;
    const path = ctx.query.get("path");
    const text = await runGit(["diff", "-M", ...revs, ...(path ? ["--", path] : [])], { cwd: access.repo.diskPath, home: env.home });
    ctx.text(200, text);
  });

  router.on("GET", `${base}/refs/branches/*name`, async (ctx) => {
    const access = repoAccess(ctx, env, "repository", "read");
    if (!access) return;
    const name = ctx.params.name ?? "";
    const sha = await resolveBranch(access.repo.diskPath, env.home, name);
    if (!sha) return bbError(ctx, 404, `Branch "${name}" does not exist.`);
    ctx.json(200, {
      type: "branch",
      name,
      target: { type: "commit", hash: sha, links: { self: { href: `${env.apiUrl()}/2.0/repositories/${access.repo.path}/commit/${sha}` } } },
      links: { self: { href: `${env.apiUrl()}/2.0/repositories/${access.repo.path}/refs/branches/${name}` }, html: { href: `${env.webUrl()}/${access.repo.path}/branch/${name}` } },
    });
  });

  router.on("GET", `${base}/commit/:commit`, async (ctx) => {
    const access = repoAccess(ctx, env, "repository", "read");
    if (!access) return;
    const sha = await fullSha(env, access.repo, ctx.params.commit ?? "");
    if (!sha) return bbError(ctx, 404, `Commit not found: ${ctx.params.commit ?? ""}`);
    const info = await commitInfo(access.repo.diskPath, env.home, sha);
    const self = `${env.apiUrl()}/2.0/repositories/${access.repo.path}/commit/${sha}`;
    ctx.json(200, {
      type: "commit",
      hash: sha,
      date: info.committedAt,
      message: `${info.message}\n`,
      author: { type: "author", raw: `${info.authorName} <${info.authorEmail}>` },
      parents: info.parents.map((hash) => ({ type: "commit", hash, links: { self: { href: `${env.apiUrl()}/2.0/repositories/${access.repo.path}/commit/${hash}` } } })),
      links: { self: { href: self }, html: { href: `${env.webUrl()}/${access.repo.path}/commits/${sha}` }, statuses: { href: `${self}/statuses` } },
    });
  });

  router.on("POST", `${base}/commit/:commit/statuses/build`, async (ctx) => {
    const access = repoAccess(ctx, env, "repository", "write");
    if (!access) return;
    const sha = await fullSha(env, access.repo, ctx.params.commit ?? "");
    if (!sha) return bbError(ctx, 404, `Commit not found: ${ctx.params.commit ?? ""}`);
    const body = await objectBody(ctx);
    for (const field of ["state", "key", "url"] as const) {
      if (typeof body[field] !== "string" || body[field] === "") return badField(ctx, field, "This field is required.");
    }
    const state = String(body.state).toUpperCase() as BbStatusState;
    if (!STATES.includes(state)) return badField(ctx, "state", `"${String(body.state)}" is not a valid choice.`);
    const key = String(body.key);
    const statuses = bbState(env.store).statuses;
    const now = Date.now();
    let status = statuses.find((s) => s.repoId === access.repo.id && s.commit === sha && s.key === key);
    const fields = {
      state,
      url: String(body.url),
      name: typeof body.name === "string" ? body.name : key,
      description: typeof body.description === "string" ? body.description : "",
      refname: typeof body.refname === "string" ? body.refname : null,
      updatedOn: now,
    };
    if (status) Object.assign(status, fields);
    else {
      status = { uuid: `{${randomUUID()}}`, repoId: access.repo.id, commit: sha, key, createdOn: now, ...fields } satisfies BbStatus;
      statuses.push(status);
    }
    ctx.json(201, statusJson(env, access.repo, status));
  });

  router.on("GET", `${base}/commit/:commit/statuses`, async (ctx) => {
    const access = repoAccess(ctx, env, "repository", "read");
    if (!access) return;
    const sha = await fullSha(env, access.repo, ctx.params.commit ?? "");
    if (!sha) return bbError(ctx, 404, `Commit not found: ${ctx.params.commit ?? ""}`);
    const values = bbState(env.store)
      .statuses.filter((s) => s.repoId === access.repo.id && s.commit === sha)
      .map((s) => statusJson(env, access.repo, s));
    const page = bbPage(ctx, values, { sort: "created_on" });
    if (page) ctx.json(200, page);
  });
}
