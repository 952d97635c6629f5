import type { CommitInfo } from "../git/repos";
import type { Comment, Issue, PullRequest, Repo, User } from "../types";
import { accessLevel, iso, type GlEnv } from "./common";
import { gitlabState } from "./state";

/** The `UserBasic` entity. */
export function basicUser(env: GlEnv, user: User): Record<string, unknown> {
  return {
    id: user.id,
    username: user.login,
    public_email: user.email,
    name: user.name,
    state: "active",
    locked: false,
    avatar_url: `${env.baseUrl()}/uploads/-/system/user/avatar/${user.id}/avatar.png`,
    web_url: `${env.baseUrl()}/${user.login}`,
  };
}

/** The `UserBasic` of a stored user, or null. */
export function userById(env: GlEnv, id: number | null): Record<string, unknown> | null {
  const user = id === null ? undefined : env.store.users.get(id);
  return user ? basicUser(env, user) : null;
}

/** `GET /api/v4/user`: the current user with the private fields. */
export function currentUser(env: GlEnv, user: User): Record<string, unknown> {
  return {
    ...basicUser(env, user),
    created_at: iso(user.createdAt),
    bio: "",
    location: "",
    skype: "",
    linkedin: "",
    twitter: "",
    discord: "",
    website_url: "",
    organization: "",
    job_title: "",
    pronouns: null,
    bot: false,
    work_information: null,
    local_time: null,
    last_sign_in_at: iso(user.createdAt),
    confirmed_at: iso(user.createdAt),
    last_activity_on: new Date().toISOString().slice(0, 10),
    email: user.email,
    theme_id: 1,
    color_scheme_id: 1,
    projects_limit: 100000,
    current_sign_in_at: iso(user.createdAt),
    identities: [],
    can_create_group: true,
    can_create_project: true,
    two_factor_enabled: false,
    external: false,
    private_profile: false,
    commit_email: user.email,
    is_admin: false,
  };
}

/** The project's namespace: a user's own, or a group path. */
export function namespace(env: GlEnv, repo: Repo): Record<string, unknown> {
  const fullPath = repo.path.split("/").slice(0, -1).join("/");
  const user = env.store.userByLogin("gitlab", fullPath);
  return {
    id: user?.id ?? Number.parseInt(Buffer.from(fullPath).toString("hex").slice(0, 6), 16),
    name: user?.name ?? fullPath.split("/").pop(),
    path: fullPath.split("/").pop(),
    kind: user ? "user" : "group",
    full_path: fullPath,
    parent_id: null,
    avatar_url: null,
    web_url: `${env.baseUrl()}/${user ? "" : "groups/"}${fullPath}`,
  };
}

/** The `Project` entity, with the viewer's permissions. */
export function project(env: GlEnv, repo: Repo, viewer: User | null): Record<string, unknown> {
  const web = `${env.baseUrl()}/${repo.path}`;
  const level = accessLevel(repo, viewer);
  const ns = namespace(env, repo);
  return {
    id: repo.id,
    description: repo.description,
    name: repo.name,
    name_with_namespace: `${String(ns.name)} / ${repo.name}`,
    path: repo.name,
    path_with_namespace: repo.path,
    created_at: iso(repo.createdAt),
    default_branch: repo.defaultBranch,
    tag_list: [],
    topics: [],
    ssh_url_to_repo: `git@${new URL(env.baseUrl()).hostname}:${repo.path}.git`,
    http_url_to_repo: `${web}.git`,
    web_url: web,
    readme_url: `${web}/-/blob/${repo.defaultBranch}/README.md`,
    avatar_url: null,
    forks_count: 0,
    star_count: 0,
    last_activity_at: iso(repo.pushedAt),
    namespace: ns,
    visibility: repo.private ? "private" : "public",
    archived: false,
    empty_repo: false,
    issues_enabled: true,
    merge_requests_enabled: true,
    wiki_enabled: true,
    jobs_enabled: true,
    creator_id: env.store.userByLogin("gitlab", repo.owner)?.id ?? null,
    open_issues_count: env.store.issues.filter((i) => i.repoId === repo.id && i.state === "open").length,
    _links: {
      self: `${env.baseUrl()}/api/v4/projects/${repo.id}`,
      issues: `${env.baseUrl()}/api/v4/projects/${repo.id}/issues`,
      merge_requests: `${env.baseUrl()}/api/v4/projects/${repo.id}/merge_requests`,
      repo_branches: `${env.baseUrl()}/api/v4/projects/${repo.id}/repository/branches`,
    },
    permissions: {
      project_access: level > 0 ? { access_level: level, notification_level: 3 } : null,
      group_access: null,
    },
  };
}

/** The `Commit` entity. */
export function commit(env: GlEnv, repo: Repo, info: CommitInfo): Record<string, unknown> {
  const [title = ""] = info.message.split("\n");
  return {
    id: info.sha,
    short_id: info.sha.slice(0, 8),
    created_at: info.committedAt,
    parent_ids: info.parents,
    title,
    message: info.message,
    author_name: info.authorName,
    author_email: info.authorEmail,
    authored_date: info.authoredAt,
    committer_name: info.committerName,
    committer_email: info.committerEmail,
    committed_date: info.committedAt,
    trailers: {},
    extended_trailers: {},
    web_url: `${env.baseUrl()}/${repo.path}/-/commit/${info.sha}`,
  };
}

function timeStats(): Record<string, unknown> {
  return { time_estimate: 0, total_time_spent: 0, human_time_estimate: null, human_total_time_spent: null };
}

/** The `MergeRequest` entity, with `diff_refs` for diff positions. */
export function mergeRequest(env: GlEnv, repo: Repo, mr: PullRequest, diffRefs: { base: string; start: string }): Record<string, unknown> {
  const { systemNotes, reviewers } = gitlabState(env.store);
  const notes = env.store.comments.filter((c) => c.repoId === repo.id && c.target === "pull" && c.number === mr.number && !systemNotes.has(c.id)).length;
  const assignees = mr.assigneeIds.map((id) => userById(env, id)).filter((u) => u !== null);
  const reviewerUsers = reviewers.filter((r) => r.repoId === repo.id && r.number === mr.number).map((r) => userById(env, r.userId)).filter((u) => u !== null);
  const state = mr.state === "open" ? "opened" : mr.state;
  return {
    id: mr.id,
    iid: mr.number,
    project_id: repo.id,
    title: mr.title,
    description: mr.body ?? "",
    state,
    created_at: iso(mr.createdAt),
    updated_at: iso(mr.updatedAt),
    merged_by: null,
    merge_user: null,
    merged_at: mr.state === "merged" ? iso(mr.closedAt) : null,
    closed_by: null,
    closed_at: mr.state === "closed" ? iso(mr.closedAt) : null,
    target_branch: mr.base,
    source_branch: mr.head,
    user_notes_count: notes,
    upvotes: 0,
    downvotes: 0,
    author: userById(env, mr.authorId),
    assignees,
    assignee: assignees[0] ?? null,
    reviewers: reviewerUsers,
    source_project_id: repo.id,
    target_project_id: repo.id,
    labels: mr.labels,
    draft: mr.draft,
    work_in_progress: mr.draft,
    milestone: null,
    merge_when_pipeline_succeeds: false,
    merge_status: "can_be_merged",
    detailed_merge_status: mr.state === "open" ? "mergeable" : "not_open",
    sha: mr.headSha,
    merge_commit_sha: null,
    squash_commit_sha: null,
    discussion_locked: null,
    should_remove_source_branch: null,
    force_remove_source_branch: false,
    prepared_at: iso(mr.createdAt),
    reference: `!${mr.number}`,
    references: { short: `!${mr.number}`, relative: `!${mr.number}`, full: `${repo.path}!${mr.number}` },
    web_url: `${env.baseUrl()}/${repo.path}/-/merge_requests/${mr.number}`,
    time_stats: timeStats(),
    squash: false,
    squash_on_merge: false,
    task_completion_status: { count: 0, completed_count: 0 },
    has_conflicts: false,
    blocking_discussions_resolved: true,
    diff_refs: { base_sha: diffRefs.base, head_sha: mr.headSha, start_sha: diffRefs.start },
  };
}

/** The `Issue` entity. */
export function issue(env: GlEnv, repo: Repo, item: Issue): Record<string, unknown> {
  const api = `${env.baseUrl()}/api/v4/projects/${repo.id}`;
  const assignees = item.assigneeIds.map((id) => userById(env, id)).filter((u) => u !== null);
  return {
    id: item.id,
    iid: item.number,
    project_id: repo.id,
    title: item.title,
    description: item.body ?? "",
    state: item.state === "open" ? "opened" : "closed",
    created_at: iso(item.createdAt),
    updated_at: iso(item.updatedAt),
    closed_at: iso(item.closedAt),
    closed_by: userById(env, item.closedById),
    labels: item.labels,
    milestone: null,
    assignees,
    author: userById(env, item.authorId),
    type: "ISSUE",
    assignee: assignees[0] ?? null,
    user_notes_count: env.store.comments.filter((c) => c.repoId === repo.id && c.target === "issue" && c.number === item.number && !gitlabState(env.store).systemNotes.has(c.id)).length,
    merge_requests_count: 0,
    upvotes: 0,
    downvotes: 0,
    due_date: null,
    confidential: false,
    discussion_locked: null,
    issue_type: "issue",
    web_url: `${env.baseUrl()}/${repo.path}/-/issues/${item.number}`,
    time_stats: timeStats(),
    task_completion_status: { count: 0, completed_count: 0 },
    has_tasks: false,
    references: { short: `#${item.number}`, relative: `#${item.number}`, full: `${repo.path}#${item.number}` },
    severity: "UNKNOWN",
    _links: {
      self: `${api}/issues/${item.number}`,
      notes: `${api}/issues/${item.number}/notes`,
      award_emoji: `${api}/issues/${item.number}/award_emoji`,
      project: api,
      closed_as_duplicate_of: null,
    },
  };
}

/**
 * The `Note` entity (a `DiffNote` when it has a position). Only diff notes are resolvable here; a
 * discussion is resolved as a whole, so each of its notes says so.
 */
export function note(env: GlEnv, repo: Repo, comment: Comment, noteableId: number): Record<string, unknown> {
  const state = gitlabState(env.store);
  const resolvable = comment.kind === "review";
  const resolution = resolvable && comment.discussionId ? state.resolved.get(comment.discussionId) : undefined;
  const system = state.systemNotes.has(comment.id);
  return {
    id: comment.id,
    type: comment.kind === "review" ? "DiffNote" : comment.discussionId && !system ? "DiscussionNote" : null,
    body: comment.body,
    author: userById(env, comment.authorId),
    created_at: iso(comment.createdAt),
    updated_at: iso(comment.createdAt),
    system,
    noteable_id: noteableId,
    noteable_type: comment.target === "pull" ? "MergeRequest" : "Issue",
    project_id: repo.id,
    noteable_iid: comment.number,
    commit_id: null,
    position: comment.position ?? undefined,
    resolvable,
    resolved: resolvable ? resolution !== undefined : undefined,
    resolved_by: resolution ? userById(env, resolution.userId) : null,
    resolved_at: resolution ? iso(resolution.at) : null,
    confidential: false,
    internal: false,
    imported: false,
    imported_from: "none",
  };
}

/** The `Discussion` entity grouping notes. */
export function discussion(env: GlEnv, repo: Repo, comments: Comment[], noteableId: number): Record<string, unknown> {
  const first = comments[0];
  return {
    id: first?.discussionId ?? "",
    individual_note: false,
    notes: comments.map((c) => note(env, repo, c, noteableId)),
  };
}
