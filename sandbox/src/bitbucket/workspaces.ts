import type { Router } from "../http/router";
import type { User } from "../types";
import { authenticate, bbError, bbRepo } from "./api";
import { bbAccount, bbPage, objectBody, repoAccess, type BbRestEnv } from "./common";
import { repoSettings } from "./state";

/**
 * - [`GET /2.0/workspaces/{workspace}/members`](https://developer.atlassian.com/cloud/bitbucket/rest/api-group-workspaces/#api-workspaces-workspace-members-get):
 *   a workspace is the sandbox's repository owner; its members are that user and everyone given
 *   access to one of its repositories. Only members may list them (`account` scope).
 * - [`PUT /2.0/repositories/{workspace}/{repo_slug}`](https://developer.atlassian.com/cloud/bitbucket/rest/api-group-repositories/#api-repositories-workspace-repo-slug-put):
 *   repository admins switch the issue tracker (`has_issues`) and change the description.
 */
export function registerBitbucketWorkspaces(router: Router, env: BbRestEnv): void {
  router.on("GET", "/2.0/workspaces/:workspace/members", (ctx) => {
    const auth = authenticate(ctx, env);
    if (auth === null) return;
    if (auth === "anonymous") return bbError(ctx, 401, "Unauthorized", {}, { "WWW-Authenticate": 'Basic realm="Bitbucket.org HTTP"' });
    const slug = (ctx.params.workspace ?? "").toLowerCase();
    const members = new Map<number, User>();
    for (const repo of env.store.repos.values()) {
      if (repo.provider !== "bitbucket" || repo.owner.toLowerCase() !== slug) continue;
      const owner = env.store.userByLogin("bitbucket", repo.owner);
      if (owner) members.set(owner.id, owner);
      for (const id of repo.collaborators.keys()) {
        const user = env.store.users.get(id);
        if (user) members.set(user.id, user);
      }
    }
    const owner = env.store.userByLogin("bitbucket", slug);
    if (owner) members.set(owner.id, owner);
    if (!members.has(auth.user.id)) return bbError(ctx, 404, `No workspace with identifier '${ctx.params.workspace ?? ""}'.`);
    const workspace = { type: "workspace", slug, name: slug, links: { html: { href: `${env.webUrl()}/${slug}/` } } };
    const values = [...members.values()]
      .sort((a, b) => a.id - b.id)
      .map((user) => ({
        type: "workspace_membership",
        user: bbAccount(env, user),
        workspace,
        links: { self: { href: `${env.apiUrl()}/2.0/workspaces/${slug}/members/${encodeURIComponent(`{${user.uuid}}`)}` } },
      }));
    const page = bbPage(ctx, values);
    if (page) ctx.json(200, page);
  });

  router.on("PUT", "/2.0/repositories/:workspace/:repo_slug", async (ctx) => {
    const access = repoAccess(ctx, env, "repository:admin", "admin");
    if (!access) return;
    const body = await objectBody(ctx);
    if (body.has_issues !== undefined && typeof body.has_issues !== "boolean") return bbError(ctx, 400, "Bad request", { fields: { has_issues: ["Must be a valid boolean."] } });
    if (typeof body.has_issues === "boolean") repoSettings(env.store, access.repo.id).hasIssues = body.has_issues;
    if (typeof body.description === "string") access.repo.description = body.description;
    ctx.json(200, bbRepo(env, access.repo));
  });
}
