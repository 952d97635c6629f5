import type { SandboxStore } from "../store";

/**
 * Azure DevOps' own state in the sandbox: pull requests with their votes, threads, statuses and
 * iterations, policy evaluations, and work items with comments. Kept apart from the shared store
 * (Azure's shapes are unlike GitHub's and GitLab's) in a map keyed by the store, so one sandbox
 * has exactly one of each.
 */

/** `GitPullRequest.status`. */
export type AzPullRequestStatus = "active" | "completed" | "abandoned";

/** One reviewer's vote: 10 approved, 5 approved with suggestions, 0 none, -5 waiting for author, -10 rejected. */
export interface AzReviewer {
  userId: number;
  vote: number;
  isRequired: boolean;
}

/** One push to the source branch (or the creation): what `.../iterations` lists. */
export interface AzIteration {
  id: number;
  sourceSha: string;
  targetSha: string;
  createdAt: number;
  reason: "create" | "push";
}

export interface AzPullRequest {
  /** `pullRequestId`: unique in the organization, as Azure DevOps numbers them. */
  id: number;
  repoId: number;
  title: string;
  description: string;
  /** `refs/heads/...`. */
  sourceRefName: string;
  targetRefName: string;
  status: AzPullRequestStatus;
  isDraft: boolean;
  createdById: number;
  createdAt: number;
  closedAt: number | null;
  reviewers: AzReviewer[];
  iterations: AzIteration[];
}

/** A position in a file (`CommentPosition`). */
export interface AzPosition {
  line: number;
  offset: number;
}

/** `CommentThreadContext`: where a thread is on the diff; null for a conversation thread. */
export interface AzThreadContext {
  filePath: string;
  rightFileStart: AzPosition | null;
  rightFileEnd: AzPosition | null;
  leftFileStart: AzPosition | null;
  leftFileEnd: AzPosition | null;
}

export type AzThreadStatus = "active" | "pending" | "fixed" | "closed" | "wontFix" | "byDesign" | "unknown";

export interface AzComment {
  /** Numbered 1, 2, ... within its thread. */
  id: number;
  parentCommentId: number;
  authorId: number;
  content: string;
  commentType: "text" | "system" | "codeChange";
  publishedAt: number;
  updatedAt: number;
}

export interface AzThread {
  id: number;
  pullRequestId: number;
  status: AzThreadStatus;
  threadContext: AzThreadContext | null;
  /** The iteration the thread was made on (`pullRequestThreadContext.iterationContext`). */
  iterationId: number | null;
  comments: AzComment[];
  properties: Record<string, { $type: string; $value: string | number }>;
  publishedAt: number;
  updatedAt: number;
}

/** `GitStatusState`. */
export type AzStatusState = "notSet" | "pending" | "succeeded" | "failed" | "error" | "notApplicable";

export interface AzStatus {
  id: number;
  pullRequestId: number;
  state: AzStatusState;
  description: string | null;
  context: { name: string; genre: string | null };
  targetUrl: string | null;
  iterationId: number | null;
  createdById: number;
  createdAt: number;
}

/** `PolicyEvaluationStatus`. */
export type AzPolicyStatus = "queued" | "running" | "approved" | "rejected" | "notApplicable" | "broken";

export interface AzPolicyEvaluation {
  evaluationId: string;
  /** `vstfs:///CodeReview/CodeReviewId/{projectId}/{pullRequestId}`. */
  artifactId: string;
  pullRequestId: number;
  status: AzPolicyStatus;
  configurationId: number;
  typeName: string;
  displayName: string | null;
  isBlocking: boolean;
  startedAt: number;
  completedAt: number | null;
}

export interface AzWorkItemComment {
  id: number;
  text: string;
  authorId: number;
  createdAt: number;
}

export interface AzWorkItem {
  /** Unique in the organization. */
  id: number;
  org: string;
  project: string;
  type: string;
  title: string;
  /** HTML, as Azure DevOps stores System.Description. */
  description: string;
  state: string;
  tags: string[];
  assignedToId: number | null;
  createdById: number;
  createdAt: number;
  changedAt: number;
  rev: number;
  comments: AzWorkItemComment[];
}

export interface AzureState {
  pulls: AzPullRequest[];
  threads: AzThread[];
  statuses: AzStatus[];
  evaluations: AzPolicyEvaluation[];
  workItems: AzWorkItem[];
  /** Tags known per `org/project` (lower-cased key), in the case first used. */
  tags: Map<string, string[]>;
  nextPullRequestId: number;
  nextWorkItemId: number;
  nextThreadId: number;
  nextStatusId: number;
  nextWorkItemCommentId: number;
  nextPolicyConfigurationId: number;
}

const states = new WeakMap<SandboxStore, AzureState>();

/** The Azure DevOps state of one sandbox. */
export function azureState(store: SandboxStore): AzureState {
  let state = states.get(store);
  if (!state) {
    state = {
      pulls: [],
      threads: [],
      statuses: [],
      evaluations: [],
      workItems: [],
      tags: new Map(),
      nextPullRequestId: 1,
      nextWorkItemId: 1,
      nextThreadId: 1,
      nextStatusId: 1,
      nextWorkItemCommentId: 1,
      nextPolicyConfigurationId: 1,
    };
    states.set(store, state);
  }
  return state;
}

/** A work item process as the sandbox runs it: Basic (Epic, Issue, Task; To Do, Doing, Done). */
export const BASIC_PROCESS = {
  types: [
    { name: "Epic", referenceName: "Microsoft.VSTS.WorkItemTypes.Epic", color: "FF7B00" },
    { name: "Issue", referenceName: "Microsoft.VSTS.WorkItemTypes.Issue", color: "339947" },
    { name: "Task", referenceName: "Microsoft.VSTS.WorkItemTypes.Task", color: "A4880A" },
  ],
  states: [
    { name: "To Do", color: "b2b2b2", category: "Proposed" },
    { name: "Doing", color: "007acc", category: "InProgress" },
    { name: "Done", color: "339933", category: "Completed" },
  ],
} as const;

/** Records a tag in the project's tag list (Azure DevOps creates tags on first use). */
export function rememberTags(state: AzureState, org: string, project: string, tags: string[]): void {
  const key = `${org}/${project}`.toLowerCase();
  const known = state.tags.get(key) ?? [];
  for (const tag of tags) if (!known.some((t) => t.toLowerCase() === tag.toLowerCase())) known.push(tag);
  state.tags.set(key, known);
}
