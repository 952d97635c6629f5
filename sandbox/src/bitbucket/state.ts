import type { SandboxStore } from "../store";

/**
 * Bitbucket Cloud's own state: pull requests, their comments and participants, issues and their
 * comments, commit statuses, and per-repository settings (issue tracker on or off, components).
 * Kept here rather than in the shared store, whose pull request and issue records follow GitHub's
 * and GitLab's shapes; one state per sandbox store.
 */

export type BbPullRequestState = "OPEN" | "MERGED" | "DECLINED" | "SUPERSEDED";

/** A participant of a pull request: a reviewer, or anyone who approved, commented or asked for changes. */
export interface BbParticipant {
  userId: number;
  role: "REVIEWER" | "PARTICIPANT";
  state: "approved" | "changes_requested" | null;
  participatedOn: number | null;
}

export interface BbPullRequest {
  id: number;
  repoId: number;
  title: string;
  description: string;
  source: string;
  destination: string;
  /** Full SHAs of the branch tips, followed while the pull request is open. */
  sourceHash: string;
  destinationHash: string;
  state: BbPullRequestState;
  draft: boolean;
  authorId: number;
  reviewerIds: number[];
  participants: BbParticipant[];
  closedById: number | null;
  createdOn: number;
  updatedOn: number;
}

export interface BbInline {
  path: string;
  /** Line in the old version (a removed line), or null. */
  from: number | null;
  /** Line in the new version, or null. */
  to: number | null;
}

export interface BbPrComment {
  id: number;
  repoId: number;
  prId: number;
  userId: number;
  raw: string;
  inline: BbInline | null;
  parentId: number | null;
  resolution: { userId: number; createdOn: number } | null;
  deleted: boolean;
  createdOn: number;
  updatedOn: number;
}

/** Bitbucket's issue states; new, open and on hold are open, the others closed. */
export const BB_ISSUE_STATES = ["new", "open", "submitted", "resolved", "on hold", "invalid", "duplicate", "wontfix", "closed"] as const;
export type BbIssueState = (typeof BB_ISSUE_STATES)[number];
export const BB_ISSUE_KINDS = ["bug", "enhancement", "proposal", "task"] as const;
export const BB_ISSUE_PRIORITIES = ["trivial", "minor", "major", "critical", "blocker"] as const;

export interface BbIssue {
  id: number;
  repoId: number;
  title: string;
  raw: string;
  state: BbIssueState;
  kind: (typeof BB_ISSUE_KINDS)[number];
  priority: (typeof BB_ISSUE_PRIORITIES)[number];
  reporterId: number;
  assigneeId: number | null;
  component: string | null;
  createdOn: number;
  updatedOn: number;
}

export interface BbIssueComment {
  id: number;
  repoId: number;
  issueId: number;
  userId: number;
  raw: string;
  createdOn: number;
  updatedOn: number;
}

export type BbStatusState = "SUCCESSFUL" | "FAILED" | "INPROGRESS" | "STOPPED";

/** A commit status (a build result CI reported), unique per commit and key. */
export interface BbStatus {
  uuid: string;
  repoId: number;
  commit: string;
  key: string;
  state: BbStatusState;
  name: string;
  description: string;
  url: string;
  refname: string | null;
  createdOn: number;
  updatedOn: number;
}

export interface BbRepoSettings {
  hasIssues: boolean;
  /** The issue tracker's components (Bitbucket's closest thing to labels). */
  components: string[];
  nextPullRequestId: number;
  nextIssueId: number;
}

export interface BbState {
  pulls: BbPullRequest[];
  comments: BbPrComment[];
  issues: BbIssue[];
  issueComments: BbIssueComment[];
  statuses: BbStatus[];
  settings: Map<number, BbRepoSettings>;
}

const states = new WeakMap<SandboxStore, BbState>();

/** The Bitbucket state of one sandbox. */
export function bbState(store: SandboxStore): BbState {
  let state = states.get(store);
  if (!state) {
    state = { pulls: [], comments: [], issues: [], issueComments: [], statuses: [], settings: new Map() };
    states.set(store, state);
  }
  return state;
}

/** A repository's Bitbucket settings; a new repository has its issue tracker off, as on bitbucket.org. */
export function repoSettings(store: SandboxStore, repoId: number): BbRepoSettings {
  const all = bbState(store).settings;
  let settings = all.get(repoId);
  if (!settings) {
    settings = { hasIssues: false, components: [], nextPullRequestId: 1, nextIssueId: 1 };
    all.set(repoId, settings);
  }
  return settings;
}

/** Whether an issue state counts as open. */
export function issueIsOpen(state: BbIssueState): boolean {
  return state === "new" || state === "open" || state === "on hold" || state === "submitted";
}
