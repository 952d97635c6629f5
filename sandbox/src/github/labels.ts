import type { Router } from "../http/router";
import type { Repo } from "../types";
import { paginate, repoAccess, type GhEnv } from "./common";
import { gh } from "./repos";
import { nodeId, simpleUser, stableId, userAccount } from "./serializers";

/**
 * The labels GitHub gives every new repository, with its own colours and descriptions. The sandbox
 * keeps labels by name only: a repository's labels are these plus any name set on its issues and
 * pull requests (setting an unknown label through the REST API creates it, as on GitHub).
 */
export const DEFAULT_LABELS: Record<string, { color: string; description: string }> = {
  bug: { color: "d73a4a", description: "Something isn't working" },
  documentation: { color: "0075ca", description: "Improvements or additions to documentation" },
  duplicate: { color: "cfd3d7", description: "This issue or pull request already exists" },
  enhancement: { color: "a2eeef", description: "New feature or request" },
  "good first issue": { color: "7057ff", description: "Good for newcomers" },
  "help wanted": { color: "008672", description: "Extra attention is needed" },
  invalid: { color: "e4e669", description: "This doesn't seem right" },
  question: { color: "d876e3", description: "Further information is requested" },
  wontfix: { color: "ffffff", description: "This will not be worked on" },
};

/** The `label` schema. */
export function labelObject(env: GhEnv, repo: Repo, name: string): Record<string, unknown> {
  const id = stableId(`label:${repo.id}:${name}`);
  const known = DEFAULT_LABELS[name];
  return {
    id,
    node_id: nodeId("05:Label", id),
    url: `${env.apiUrl()}/repos/${repo.path}/labels/${encodeURIComponent(name)}`,
    name,
    description: known?.description ?? null,
    color: known?.color ?? "ededed",
    default: known !== undefined,
  };
}

/** Every label name of a repository, sorted as GitHub lists them (by name). */
export function repoLabels(env: GhEnv, repo: Repo): string[] {
  const names = new Set(Object.keys(DEFAULT_LABELS));
  for (const item of [...env.store.issues, ...env.store.pulls]) if (item.repoId === repo.id) for (const l of item.labels) names.add(l);
  return [...names].sort((a, b) => a.localeCompare(b));
}

/** The people who can be assigned in a repository: its owner (when a user) and its collaborators. */
export function assignableUsers(env: GhEnv, repo: Repo): number[] {
  const ids = new Set<number>();
  const owner = env.store.userByLogin("github", repo.owner);
  if (owner) ids.add(owner.id);
  for (const id of repo.collaborators.keys()) ids.add(id);
  return [...ids];
}

/** `GET /repos/{owner}/{repo}/labels` and `GET /repos/{owner}/{repo}/assignees`. */
export function registerLabelRoutes(router: Router, env: GhEnv): void {
  router.on(
    "GET",
    "/repos/:owner/:repo/labels",
    gh(env, (ctx, auth) => {
      const access = repoAccess(ctx, env, auth, "read", "/rest/issues/labels#list-labels-for-a-repository");
      if (!access) return;
      ctx.json(200, paginate(ctx, repoLabels(env, access.repo)).map((name) => labelObject(env, access.repo, name)));
    }),
  );

  router.on(
    "GET",
    "/repos/:owner/:repo/assignees",
    gh(env, (ctx, auth) => {
      const access = repoAccess(ctx, env, auth, "read", "/rest/issues/assignees#list-assignees");
      if (!access) return;
      const users = assignableUsers(env, access.repo)
        .map((id) => env.store.users.get(id))
        .filter((u) => u !== undefined)
        .sort((a, b) => a.login.localeCompare(b.login));
      ctx.json(200, paginate(ctx, users).map((u) => simpleUser(env, userAccount(u))));
    }),
  );
}
