import { createHash } from "node:crypto";
import type { CommitInfo } from "../git/repos";
import type { Permission, Repo, User } from "../types";
import { iso, type GhEnv } from "./common";

export interface Account {
  login: string;
  id: number;
  type: "User" | "Organization";
  name: string | null;
  email: string | null;
}

/** A stable numeric id for things the sandbox does not store (organizations, labels). */
export function stableId(text: string): number {
  return Number.parseInt(createHash("sha1").update(text).digest("hex").slice(0, 7), 16);
}

/** GitHub's legacy GraphQL node id format (base64 of `<type><id>`). */
export function nodeId(prefix: string, id: number): string {
  return Buffer.from(`${prefix}${id}`).toString("base64").replace(/=+$/, "");
}

/** The account behind a login: a user, or else an organization. */
export function accountFor(env: GhEnv, login: string): Account {
  const user = env.store.userByLogin("github", login);
  if (user) return { login: user.login, id: user.id, type: "User", name: user.name, email: user.email };
  return { login, id: stableId(`org:${login.toLowerCase()}`), type: "Organization", name: login, email: null };
}

/** The account of a stored user. */
export function userAccount(user: User): Account {
  return { login: user.login, id: user.id, type: "User", name: user.name, email: user.email };
}

/** The `simple-user` schema. */
export function simpleUser(env: GhEnv, account: Account): Record<string, unknown> {
  const api = `${env.apiUrl()}/${account.type === "User" ? "users" : "users"}/${account.login}`;
  return {
    name: account.name,
    email: account.email,
    login: account.login,
    id: account.id,
    node_id: nodeId(account.type === "User" ? "04:User" : "012:Organization", account.id),
    avatar_url: `${env.webUrl()}/avatars/${account.login}.png`,
    gravatar_id: "",
    url: api,
    html_url: `${env.webUrl()}/${account.login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: account.type,
    site_admin: false,
    user_view_type: "public",
  };
}

/** `GET /user` for the token's owner (the private view). */
export function privateUser(env: GhEnv, user: User, counts: { publicRepos: number; privateRepos: number }): Record<string, unknown> {
  return {
    ...simpleUser(env, userAccount(user)),
    user_view_type: "private",
    name: user.name,
    company: null,
    blog: "",
    location: null,
    email: user.email,
    hireable: null,
    bio: null,
    twitter_username: null,
    notification_email: user.email,
    public_repos: counts.publicRepos,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: iso(user.createdAt),
    updated_at: iso(user.createdAt),
    private_gists: 0,
    total_private_repos: counts.privateRepos,
    owned_private_repos: counts.privateRepos,
    disk_usage: 0,
    collaborators: 0,
    two_factor_authentication: true,
    plan: { name: "free", space: 976562499, private_repos: 10000, collaborators: 0 },
  };
}

function permissionsObject(permission: Permission | null): Record<string, boolean> {
  const rank = permission === "admin" ? 3 : permission === "write" ? 2 : permission === "read" ? 1 : 0;
  return { admin: rank >= 3, maintain: rank >= 3, push: rank >= 2, triage: rank >= 2, pull: rank >= 1 };
}

/** The `repository` schema (also embedded in pull requests). */
export function repository(env: GhEnv, repo: Repo, permission: Permission | null = null): Record<string, unknown> {
  const api = `${env.apiUrl()}/repos/${repo.path}`;
  const html = `${env.webUrl()}/${repo.path}`;
  const openIssues = env.store.issues.filter((i) => i.repoId === repo.id && i.state === "open").length;
  const body: Record<string, unknown> = {
    id: repo.id,
    node_id: nodeId("010:Repository", repo.id),
    name: repo.name,
    full_name: repo.path,
    owner: simpleUser(env, accountFor(env, repo.owner)),
    private: repo.private,
    html_url: html,
    description: repo.description,
    fork: false,
    url: api,
    archive_url: `${api}/{archive_format}{/ref}`,
    assignees_url: `${api}/assignees{/user}`,
    blobs_url: `${api}/git/blobs{/sha}`,
    branches_url: `${api}/branches{/branch}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    comments_url: `${api}/comments{/number}`,
    commits_url: `${api}/commits{/sha}`,
    compare_url: `${api}/compare/{base}...{head}`,
    contents_url: `${api}/contents/{+path}`,
    contributors_url: `${api}/contributors`,
    deployments_url: `${api}/deployments`,
    downloads_url: `${api}/downloads`,
    events_url: `${api}/events`,
    forks_url: `${api}/forks`,
    git_commits_url: `${api}/git/commits{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_url: `git://${new URL(env.webUrl()).host}/${repo.path}.git`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    issue_events_url: `${api}/issues/events{/number}`,
    issues_url: `${api}/issues{/number}`,
    keys_url: `${api}/keys{/key_id}`,
    labels_url: `${api}/labels{/name}`,
    languages_url: `${api}/languages`,
    merges_url: `${api}/merges`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    pulls_url: `${api}/pulls{/number}`,
    releases_url: `${api}/releases{/id}`,
    ssh_url: `git@${new URL(env.webUrl()).hostname}:${repo.path}.git`,
    stargazers_url: `${api}/stargazers`,
    statuses_url: `${api}/statuses/{sha}`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    tags_url: `${api}/tags`,
    teams_url: `${api}/teams`,
    trees_url: `${api}/git/trees{/sha}`,
    clone_url: `${html}.git`,
    mirror_url: null,
    hooks_url: `${api}/hooks`,
    svn_url: html,
    homepage: null,
    language: null,
    forks_count: 0,
    stargazers_count: 0,
    watchers_count: 0,
    size: 0,
    default_branch: repo.defaultBranch,
    open_issues_count: openIssues,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: true,
    has_wiki: true,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: repo.private ? "private" : "public",
    pushed_at: iso(repo.pushedAt),
    created_at: iso(repo.createdAt),
    updated_at: iso(repo.pushedAt),
    allow_forking: true,
    web_commit_signoff_required: false,
    license: null,
    forks: 0,
    open_issues: openIssues,
    watchers: 0,
  };
  if (permission) body.permissions = permissionsObject(permission);
  return body;
}

/** `GET /repos/{owner}/{repo}`: the `full-repository` schema. */
export function fullRepository(env: GhEnv, repo: Repo, permission: Permission): Record<string, unknown> {
  return {
    ...repository(env, repo, permission),
    network_count: 0,
    subscribers_count: 0,
    allow_squash_merge: true,
    allow_merge_commit: true,
    allow_rebase_merge: true,
    allow_auto_merge: false,
    delete_branch_on_merge: false,
  };
}

/** The `commit` schema (as embedded in a branch). */
export function commitObject(env: GhEnv, repo: Repo, info: CommitInfo): Record<string, unknown> {
  const api = `${env.apiUrl()}/repos/${repo.path}`;
  const html = `${env.webUrl()}/${repo.path}`;
  return {
    sha: info.sha,
    node_id: Buffer.from(`06:Commit${repo.id}:${info.sha}`).toString("base64"),
    url: `${api}/commits/${info.sha}`,
    html_url: `${html}/commit/${info.sha}`,
    comments_url: `${api}/commits/${info.sha}/comments`,
    commit: {
      url: `${api}/git/commits/${info.sha}`,
      author: { name: info.authorName, email: info.authorEmail, date: info.authoredAt },
      committer: { name: info.committerName, email: info.committerEmail, date: info.committedAt },
      message: info.message,
      comment_count: 0,
      tree: { sha: info.tree, url: `${api}/git/trees/${info.tree}` },
      verification: { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null },
    },
    author: null,
    committer: null,
    parents: info.parents.map((sha) => ({ sha, url: `${api}/commits/${sha}`, html_url: `${html}/commit/${sha}` })),
  };
}
