import type { SandboxStore } from "../store";

/**
 * GitLab's own state in the sandbox, beside the shared store's merge requests, issues and notes:
 * reviewers with their review states, resolved discussions, draft notes, CI pipelines with their
 * jobs and external commit statuses, and project labels. Kept in a map keyed by the store (as the
 * Azure DevOps host does), so one sandbox has exactly one of each and the shared types stay as
 * they are.
 */

/** A reviewer's state on a merge request (`GET .../merge_requests/:iid/reviewers`). */
export type GlReviewerState = "unreviewed" | "reviewed" | "requested_changes" | "approved" | "unapproved";

export interface GlReviewer {
  repoId: number;
  /** The merge request's iid. */
  number: number;
  userId: number;
  state: GlReviewerState;
  createdAt: number;
}

/** A note not yet published: only its author sees it, until `bulk_publish`. */
export interface GlDraftNote {
  id: number;
  repoId: number;
  number: number;
  authorId: number;
  note: string;
  /** The diff position, already checked against the merge request's diff; null for a general note. */
  position: Record<string, unknown> | null;
  /** Where the position is, as the shared comment stores it. */
  path: string | null;
  line: number | null;
  side: "LEFT" | "RIGHT" | null;
  diffHunk: string | null;
  inReplyToDiscussionId: string | null;
  resolveDiscussion: boolean;
  createdAt: number;
}

/** `Ci::Pipeline` statuses, which are also each job's and commit status's. */
export const GL_CI_STATUSES = ["created", "waiting_for_resource", "preparing", "pending", "running", "success", "failed", "canceled", "skipped", "manual", "scheduled"] as const;
export type GlCiStatus = (typeof GL_CI_STATUSES)[number];

export interface GlPipeline {
  id: number;
  /** Numbered per project. */
  iid: number;
  repoId: number;
  sha: string;
  /** A branch name, or `refs/merge-requests/:iid/head` for a merge request pipeline. */
  ref: string;
  source: "push" | "merge_request_event" | "external" | "api";
  userId: number | null;
  createdAt: number;
  updatedAt: number;
}

/**
 * A commit status: a pipeline's job (`build`, what `.../pipelines/:id/jobs` lists) or an external
 * CI's status posted to `POST /projects/:id/statuses/:sha` (`external`). GitLab keeps both in one
 * table, so they share ids and `.../commits/:sha/statuses` lists both.
 */
export interface GlCommitStatus {
  id: number;
  repoId: number;
  pipelineId: number;
  kind: "build" | "external";
  name: string;
  stage: string;
  status: GlCiStatus;
  description: string | null;
  targetUrl: string | null;
  allowFailure: boolean;
  coverage: number | null;
  userId: number | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

export interface GlLabel {
  id: number;
  repoId: number;
  name: string;
  /** `#rrggbb`. */
  color: string;
  description: string | null;
}

export interface GitlabState {
  reviewers: GlReviewer[];
  /** Resolved discussions: discussion id → who resolved it and when. */
  resolved: Map<string, { userId: number; at: number }>;
  draftNotes: GlDraftNote[];
  /** Ids of the notes GitLab itself wrote about events ("closed", "changed the title"). */
  systemNotes: Set<number>;
  pipelines: GlPipeline[];
  statuses: GlCommitStatus[];
  labels: GlLabel[];
}

const states = new WeakMap<SandboxStore, GitlabState>();

/** The GitLab state of one sandbox. */
export function gitlabState(store: SandboxStore): GitlabState {
  let state = states.get(store);
  if (!state) {
    state = { reviewers: [], resolved: new Map(), draftNotes: [], systemNotes: new Set(), pipelines: [], statuses: [], labels: [] };
    states.set(store, state);
  }
  return state;
}

const ACTIVE: readonly GlCiStatus[] = ["created", "waiting_for_resource", "preparing", "pending", "running", "scheduled"];

/**
 * A pipeline's status from its jobs and statuses, as GitLab composes it: running while any is
 * still going (pending when none has started), then failed if one failed without being allowed
 * to, canceled, skipped when all were, manual when only manual ones are left, else success.
 */
export function pipelineStatus(state: GitlabState, pipelineId: number): GlCiStatus {
  const all = state.statuses.filter((s) => s.pipelineId === pipelineId).map((s) => ({ status: s.status, allowFailure: s.allowFailure }));
  if (all.length === 0) return "created";
  if (all.some((s) => ACTIVE.includes(s.status))) return all.some((s) => s.status === "running" || s.status === "success" || s.status === "failed") ? "running" : "pending";
  if (all.some((s) => s.status === "failed" && !s.allowFailure)) return "failed";
  if (all.some((s) => s.status === "canceled")) return "canceled";
  if (all.every((s) => s.status === "skipped")) return "skipped";
  if (all.some((s) => s.status === "manual") && !all.some((s) => s.status === "success" || s.status === "failed")) return "manual";
  return "success";
}
