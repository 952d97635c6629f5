import type { Router } from "../http/router";
import type { Issue, PullRequest, Repo } from "../types";
import { DOCS, effectivePermission, paginate, type GhEnv } from "./common";
import { gh } from "./repos";
import { issueObject, pullAsIssue } from "./serialize-issues";

const DOC = "/rest/search/search#search-issues-and-pull-requests";

/** A parsed search query: GitHub's qualifiers the sandbox understands, and the words to match. */
interface Query {
  repos: string[];
  type: "issue" | "pr" | null;
  state: "open" | "closed" | null;
  merged: boolean | null;
  labels: string[];
  words: string[];
}

/** Splits `q` into terms, a "quoted phrase" being one term. */
function terms(q: string): string[] {
  return [...q.matchAll(/(\S+?:)?"([^"]*)"|\S+/g)].map((m) => (m[2] !== undefined ? `${m[1] ?? ""}${m[2]}` : m[0]));
}

function parse(q: string): Query {
  const query: Query = { repos: [], type: null, state: null, merged: null, labels: [], words: [] };
  for (const term of terms(q)) {
    const [key = "", ...rest] = term.split(":");
    const value = rest.join(":").toLowerCase();
    const qualifier = rest.length > 0 ? key.toLowerCase() : "";
    if (qualifier === "repo") query.repos.push(value);
    else if ((qualifier === "is" || qualifier === "type") && (value === "issue" || value === "pr" || value === "pull-request")) query.type = value === "issue" ? "issue" : "pr";
    else if ((qualifier === "is" || qualifier === "state") && (value === "open" || value === "closed")) query.state = value;
    else if (qualifier === "is" && (value === "merged" || value === "unmerged")) query.merged = value === "merged";
    else if (qualifier === "label") query.labels.push(value);
    else query.words.push(term.toLowerCase());
  }
  return query;
}

function matches(query: Query, item: { title: string; body: string | null; labels: string[] }): boolean {
  const text = `${item.title}\n${item.body ?? ""}`.toLowerCase();
  const labels = item.labels.map((l) => l.toLowerCase());
  return query.words.every((w) => text.includes(w)) && query.labels.every((l) => labels.includes(l));
}

/** `GET /search/issues`: issues and pull requests of the repositories the caller can read. */
export function registerSearchRoutes(router: Router, env: GhEnv): void {
  router.on(
    "GET",
    "/search/issues",
    gh(env, (ctx, auth) => {
      const q = ctx.query.get("q") ?? "";
      if (q.trim() === "") {
        return ctx.json(422, { message: "Validation Failed", errors: [{ resource: "Search", field: "q", code: "missing" }], documentation_url: `${DOCS}${DOC}`, status: "422" });
      }
      const query = parse(q);
      const readable = [...env.store.repos.values()].filter((r) => r.provider === "github" && effectivePermission(auth, r) !== null);
      let repos: Repo[] = readable;
      if (query.repos.length > 0) {
        repos = readable.filter((r) => query.repos.includes(r.path.toLowerCase()));
        if (repos.length < query.repos.length) {
          return ctx.json(422, {
            message: "Validation Failed",
            errors: [{ message: "The listed users and repositories cannot be searched either because the resources do not exist or you do not have permission to view them.", resource: "Search", field: "q", code: "invalid" }],
            documentation_url: `${DOCS}${DOC}`,
            status: "422",
          });
        }
      } else {
        // Without repo:, GitHub searches public repositories and those the caller may see; the sandbox the caller's own.
        repos = readable.filter((r) => !r.private || effectivePermission(auth, r) !== null);
      }
      const ids = new Set(repos.map((r) => r.id));
      const found: { at: number; updated: number; number: number; json: () => Record<string, unknown> }[] = [];
      const repoOf = (id: number) => env.store.repos.get(id) as Repo;
      if (query.type !== "pr" && query.merged === null) {
        for (const i of env.store.issues as Issue[]) {
          if (!ids.has(i.repoId) || (query.state && i.state !== query.state) || !matches(query, i)) continue;
          found.push({ at: i.createdAt, updated: i.updatedAt, number: i.number, json: () => issueObject(env, repoOf(i.repoId), i) });
        }
      }
      if (query.type !== "issue") {
        for (const p of env.store.pulls as PullRequest[]) {
          if (!ids.has(p.repoId) || !matches(query, p)) continue;
          if (query.state && (p.state === "open" ? "open" : "closed") !== query.state) continue;
          if (query.merged !== null && (p.state === "merged") !== query.merged) continue;
          found.push({ at: p.createdAt, updated: p.updatedAt, number: p.number, json: () => ({ ...pullAsIssue(env, repoOf(p.repoId), p), draft: p.draft }) });
        }
      }
      const desc = ctx.query.get("order") !== "asc";
      const key = ctx.query.get("sort") === "updated" ? "updated" : "at";
      found.sort((a, b) => (desc ? 1 : -1) * (b[key] - a[key] || b.number - a.number));
      ctx.json(200, {
        total_count: found.length,
        incomplete_results: false,
        // The search schema has `body` as a string: an item without one leaves it out.
        items: paginate(ctx, found).map((f) => {
          const { body, ...item } = f.json();
          return { ...item, ...(body === null ? {} : { body }), score: 1 };
        }),
        search_type: "lexical",
      });
    }),
  );
}
