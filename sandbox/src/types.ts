/** Domain types of the provider sandbox's in-memory state. */

export const PROVIDERS = ["github", "gitlab", "bitbucket", "azure-devops"] as const;
export type ProviderId = (typeof PROVIDERS)[number];

/** Repository permission, ordered: read < write < admin. */
export type Permission = "read" | "write" | "admin";
export const PERMISSION_RANK: Record<Permission, number> = { read: 1, write: 2, admin: 3 };

export interface User {
  id: number;
  /** GUID-style id (Bitbucket `uuid`, Azure DevOps identity id). */
  uuid: string;
  provider: ProviderId;
  login: string;
  name: string;
  email: string;
  /** Azure DevOps organizations the user belongs to (empty for the other providers). */
  organizations: string[];
  createdAt: number;
}

/**
 * - `pat`: GitHub classic (`ghp_`), GitLab (`glpat-`), Bitbucket API token, Azure DevOps PAT.
 * - `fine_grained`: GitHub fine-grained PAT (`github_pat_`), per-repository permissions.
 * - `oauth`: an OAuth access token (GitHub `gho_`/`ghu_`, GitLab, Bitbucket, Entra ID JWT).
 * - `refresh`: an OAuth refresh token.
 */
export type TokenKind = "pat" | "fine_grained" | "oauth" | "refresh";

export interface TokenRecord {
  id: number;
  provider: ProviderId;
  kind: TokenKind;
  value: string;
  userId: number;
  name: string;
  scopes: string[];
  createdAt: number;
  /** Epoch ms; null = never expires. */
  expiresAt: number | null;
  revokedAt: number | null;
  clientId?: string;
  grantId?: number;
  /** For a refresh token: the access token issued with it. */
  accessTokenId?: number;
  /** For a refresh token: when it was exchanged (it is single-use where the provider rotates). */
  usedAt?: number | null;
  /** Fine-grained PATs: repository path -> permission. */
  repositories?: Record<string, Permission>;
  /** SAML SSO: not authorized for these orgs (empty list = every org-owned resource). */
  ssoUnauthorizedOrgs?: string[] | null;
  /** Azure DevOps PATs: the organizations it works in; null = all accessible organizations ("global"). */
  organizations?: string[] | null;
  lastUsedAt?: number | null;
}

export interface OAuthApp {
  provider: ProviderId;
  clientId: string;
  clientSecret: string;
  name: string;
  callbackUrls: string[];
  /** Default / allowed scopes (Bitbucket takes scopes from the consumer, not the request). */
  scopes: string[];
  /** GitHub: a GitHub App with expiring user tokens (`ghu_` 8 h + `ghr_`). */
  expiringTokens: boolean;
  /** Entra ID tenant id the app lives in. */
  tenant: string;
  createdAt: number;
}

export interface Grant {
  id: number;
  provider: ProviderId;
  clientId: string;
  userId: number;
  scopes: string[];
  createdAt: number;
  revokedAt: number | null;
}

export interface AuthCode {
  code: string;
  provider: ProviderId;
  clientId: string;
  userId: number;
  /** The redirect_uri sent to authorize (null when omitted). */
  redirectUri: string | null;
  scopes: string[];
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  nonce: string | null;
  expiresAt: number;
  usedAt: number | null;
  /** Tokens minted from this code (revoked when the code is replayed). */
  tokenIds: number[];
}

export interface Revocation {
  at: number;
  provider: ProviderId;
  kind: "token" | "grant";
  via: "api" | "admin";
  tokenId?: number;
  clientId?: string;
  userId?: number;
}

export interface Repo {
  id: number;
  provider: ProviderId;
  /** `owner/name`; Azure DevOps: `org/project/name`; GitLab: `group[/subgroup]/name`. */
  path: string;
  owner: string;
  name: string;
  project: string | null;
  description: string | null;
  private: boolean;
  defaultBranch: string;
  diskPath: string;
  collaborators: Map<number, Permission>;
  createdAt: number;
  pushedAt: number;
  /** GitHub: issues and PRs share numbers. GitLab: separate iids. */
  nextNumber: number;
  nextMrIid: number;
}

export interface PullRequest {
  id: number;
  repoId: number;
  number: number;
  title: string;
  body: string | null;
  head: string;
  base: string;
  headSha: string;
  baseSha: string;
  state: "open" | "closed" | "merged";
  draft: boolean;
  authorId: number;
  assigneeIds: number[];
  labels: string[];
  createdAt: number;
  updatedAt: number;
  closedAt: number | null;
  /** GitHub: users asked to review it (`requested_reviewers`). */
  requestedReviewerIds?: number[];
}

export interface Issue {
  id: number;
  repoId: number;
  number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  stateReason: "completed" | "reopened" | "not_planned" | null;
  authorId: number;
  assigneeIds: number[];
  labels: string[];
  createdAt: number;
  updatedAt: number;
  closedAt: number | null;
  closedById: number | null;
}

/**
 * `issue`: issue (or PR conversation) comment / GitLab issue note.
 * `review`: GitHub review comment on a diff line / GitLab MR diff note.
 * `note`: GitLab MR discussion note without a position.
 */
export interface Comment {
  id: number;
  repoId: number;
  kind: "issue" | "review" | "note";
  /** Issue/PR number (GitHub) or iid (GitLab). */
  number: number;
  target: "issue" | "pull";
  body: string;
  authorId: number;
  path: string | null;
  line: number | null;
  side: "LEFT" | "RIGHT" | null;
  commitId: string | null;
  diffHunk: string | null;
  discussionId: string | null;
  inReplyToId: number | null;
  position: Record<string, unknown> | null;
  createdAt: number;
  /** GitHub review comments: the review they belong to (every GitHub review comment has one). */
  reviewId?: number;
}

/** A GitHub pull request review's state; `PENDING` until it is submitted. */
export type ReviewState = "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "PENDING";

/** A GitHub pull request review: a state and a body, grouping the review comments made with it. */
export interface Review {
  id: number;
  repoId: number;
  /** The pull request's number. */
  number: number;
  authorId: number;
  /** `""` when none was given, as GitHub returns it. */
  body: string;
  state: ReviewState;
  /** The head commit the review was made on. */
  commitId: string;
  /** Null while pending. */
  submittedAt: number | null;
}

/** A GitHub commit status (`POST /repos/{owner}/{repo}/statuses/{sha}`), one per context and post. */
export interface CommitStatus {
  id: number;
  repoId: number;
  sha: string;
  state: "error" | "failure" | "pending" | "success";
  context: string;
  description: string | null;
  targetUrl: string | null;
  creatorId: number;
  createdAt: number;
}

/** A GitHub check run: made by a GitHub App, so tests seed it through the admin API. */
export interface CheckRun {
  id: number;
  repoId: number;
  headSha: string;
  name: string;
  status: "queued" | "in_progress" | "completed" | "waiting" | "requested" | "pending";
  conclusion: "success" | "failure" | "neutral" | "cancelled" | "skipped" | "timed_out" | "action_required" | null;
  detailsUrl: string | null;
  title: string | null;
  summary: string | null;
  /** The app that made it, by name ("GitHub Actions"). */
  appName: string;
  startedAt: number;
  completedAt: number | null;
}

/** A GitLab merge request approval by one user. */
export interface Approval {
  repoId: number;
  /** The merge request's iid. */
  number: number;
  userId: number;
  createdAt: number;
}

export type FaultKind = "latency" | "hang" | "status" | "sso_required" | "unreachable" | "expire_tokens";

export interface Fault {
  id: number;
  provider: ProviderId;
  /** Which of the provider's hosts (`api`, `web`, `vssps`, `entra`); all when omitted. */
  host: string | null;
  method: string | null;
  pathPrefix: string | null;
  pathRegex: string | null;
  kind: FaultKind;
  latencyMs: number;
  status: number | null;
  retryAfterSeconds: number | null;
  body: unknown;
  /** Extra response headers for a `status` fault (they override the provider's defaults). */
  headers: Record<string, string>;
  /** Remaining applications; null = until cleared. */
  remaining: number | null;
  hits: number;
}

export interface RequestLogEntry {
  at: number;
  provider: ProviderId;
  host: string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  fault: FaultKind | null;
}

export interface OpenApiViolation {
  method: string;
  path: string;
  status: number;
  operation: string | null;
  errors: string[];
}

/** An authorize request waiting on the HTML consent page. */
export interface PendingConsent {
  id: string;
  provider: ProviderId;
  clientId: string;
  userId: number;
  /** Where the code goes (the registered callback when redirect_uri was omitted). */
  redirectUri: string;
  /** The redirect_uri as sent (bound to the code, checked again at the token endpoint). */
  redirectUriParam: string | null;
  scopes: string[];
  state: string | null;
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  nonce: string | null;
  expiresAt: number;
}
