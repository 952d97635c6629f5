import type { Repo } from "../types";
import type { BbEnv } from "./api";
import { bbAccount, bbContent, bbRepoRef, bbTime } from "./common";
import type { BbIssue, BbIssueComment, BbParticipant, BbPrComment, BbPullRequest, BbStatus } from "./state";

/**
 * Bitbucket Cloud's JSON for pull requests, comments, participants, issues and commit statuses, as
 * the REST 2.0 reference shows them (`type` fields, `links`, `content.raw`, 12-character commit
 * hashes in pull requests).
 */

const apiBase = (env: BbEnv, repo: Repo) => `${env.apiUrl()}/2.0/repositories/${repo.path}`;

function side(env: BbEnv, repo: Repo, branch: string, hash: string): Record<string, unknown> {
  return {
    branch: { name: branch },
    commit: { type: "commit", hash: hash.slice(0, 12), links: { self: { href: `${apiBase(env, repo)}/commit/${hash.slice(0, 12)}` } } },
    repository: bbRepoRef(env, repo),
  };
}

export function participantJson(env: BbEnv, p: BbParticipant): Record<string, unknown> {
  return {
    type: "participant",
    user: bbAccount(env, env.store.users.get(p.userId)),
    role: p.role,
    approved: p.state === "approved",
    state: p.state,
    participated_on: p.participatedOn === null ? null : bbTime(p.participatedOn),
  };
}

export function pullRequestJson(env: BbEnv, repo: Repo, pr: BbPullRequest, commentCount: number): Record<string, unknown> {
  const self = `${apiBase(env, repo)}/pullrequests/${pr.id}`;
  const users = env.store.users;
  return {
    type: "pullrequest",
    id: pr.id,
    title: pr.title,
    description: pr.description,
    summary: bbContent(pr.description),
    rendered: { title: bbContent(pr.title), description: bbContent(pr.description) },
    state: pr.state,
    draft: pr.draft,
    author: bbAccount(env, users.get(pr.authorId)),
    source: side(env, repo, pr.source, pr.sourceHash),
    destination: side(env, repo, pr.destination, pr.destinationHash),
    merge_commit: null,
    comment_count: commentCount,
    task_count: 0,
    close_source_branch: false,
    closed_by: pr.closedById === null ? null : bbAccount(env, users.get(pr.closedById)),
    reason: "",
    created_on: bbTime(pr.createdOn),
    updated_on: bbTime(pr.updatedOn),
    reviewers: pr.reviewerIds.map((id) => bbAccount(env, users.get(id))).filter(Boolean),
    participants: pr.participants.map((p) => participantJson(env, p)),
    links: {
      self: { href: self },
      html: { href: `${env.webUrl()}/${repo.path}/pull-requests/${pr.id}` },
      commits: { href: `${self}/commits` },
      approve: { href: `${self}/approve` },
      "request-changes": { href: `${self}/request-changes` },
      diff: { href: `${self}/diff` },
      diffstat: { href: `${self}/diffstat` },
      comments: { href: `${self}/comments` },
      activity: { href: `${self}/activity` },
      merge: { href: `${self}/merge` },
      decline: { href: `${self}/decline` },
      statuses: { href: `${self}/statuses` },
    },
  };
}

export function prCommentJson(env: BbEnv, repo: Repo, pr: BbPullRequest, c: BbPrComment): Record<string, unknown> {
  const self = `${apiBase(env, repo)}/pullrequests/${pr.id}/comments/${c.id}`;
  return {
    type: "pullrequest_comment",
    id: c.id,
    created_on: bbTime(c.createdOn),
    updated_on: bbTime(c.updatedOn),
    content: bbContent(c.deleted ? "" : c.raw),
    user: bbAccount(env, env.store.users.get(c.userId)),
    deleted: c.deleted,
    pending: false,
    ...(c.inline ? { inline: { from: c.inline.from, to: c.inline.to, path: c.inline.path } } : {}),
    ...(c.parentId !== null ? { parent: { id: c.parentId, links: { self: { href: `${apiBase(env, repo)}/pullrequests/${pr.id}/comments/${c.parentId}` } } } } : {}),
    ...(c.resolution ? { resolution: resolutionJson(env, c.resolution) } : {}),
    pullrequest: { type: "pullrequest", id: pr.id, title: pr.title, links: { html: { href: `${env.webUrl()}/${repo.path}/pull-requests/${pr.id}` } } },
    links: { self: { href: self }, html: { href: `${env.webUrl()}/${repo.path}/pull-requests/${pr.id}#comment-${c.id}` } },
  };
}

export function resolutionJson(env: BbEnv, r: { userId: number; createdOn: number }): Record<string, unknown> {
  return { type: "comment_resolution", user: bbAccount(env, env.store.users.get(r.userId)), created_on: bbTime(r.createdOn) };
}

export function issueJson(env: BbEnv, repo: Repo, issue: BbIssue): Record<string, unknown> {
  const self = `${apiBase(env, repo)}/issues/${issue.id}`;
  const users = env.store.users;
  return {
    type: "issue",
    id: issue.id,
    repository: bbRepoRef(env, repo),
    title: issue.title,
    reporter: bbAccount(env, users.get(issue.reporterId)),
    assignee: issue.assigneeId === null ? null : bbAccount(env, users.get(issue.assigneeId)),
    created_on: bbTime(issue.createdOn),
    updated_on: bbTime(issue.updatedOn),
    edited_on: null,
    state: issue.state,
    kind: issue.kind,
    priority: issue.priority,
    milestone: null,
    version: null,
    component: issue.component === null ? null : { type: "component", name: issue.component, links: { self: { href: `${apiBase(env, repo)}/components/${encodeURIComponent(issue.component)}` } } },
    votes: 0,
    watches: 1,
    content: bbContent(issue.raw),
    links: {
      self: { href: self },
      html: { href: `${env.webUrl()}/${repo.path}/issues/${issue.id}` },
      comments: { href: `${self}/comments` },
      attachments: { href: `${self}/attachments` },
      watch: { href: `${self}/watch` },
      vote: { href: `${self}/vote` },
    },
  };
}

export function issueCommentJson(env: BbEnv, repo: Repo, issue: BbIssue, c: BbIssueComment): Record<string, unknown> {
  return {
    type: "issue_comment",
    id: c.id,
    created_on: bbTime(c.createdOn),
    updated_on: bbTime(c.updatedOn),
    content: bbContent(c.raw),
    user: bbAccount(env, env.store.users.get(c.userId)),
    issue: { type: "issue", id: issue.id, title: issue.title, repository: bbRepoRef(env, repo) },
    links: { self: { href: `${apiBase(env, repo)}/issues/${issue.id}/comments/${c.id}` }, html: { href: `${env.webUrl()}/${repo.path}/issues/${issue.id}#comment-${c.id}` } },
  };
}

export function statusJson(env: BbEnv, repo: Repo, s: BbStatus): Record<string, unknown> {
  const commit = `${apiBase(env, repo)}/commit/${s.commit}`;
  return {
    type: "commitstatus",
    uuid: s.uuid,
    key: s.key,
    refname: s.refname,
    url: s.url,
    state: s.state,
    name: s.name,
    description: s.description,
    created_on: bbTime(s.createdOn),
    updated_on: bbTime(s.updatedOn),
    links: { self: { href: `${commit}/statuses/build/${encodeURIComponent(s.key)}` }, commit: { href: commit } },
  };
}
