import { randomUUID } from "node:crypto";
import type {
  Approval,
  AuthCode,
  CheckRun,
  Comment,
  CommitStatus,
  Fault,
  Grant,
  Issue,
  OAuthApp,
  OpenApiViolation,
  PendingConsent,
  ProviderId,
  PullRequest,
  Repo,
  RequestLogEntry,
  Review,
  Revocation,
  TokenRecord,
  User,
} from "./types";

const REQUEST_LOG_LIMIT = 2000;

export interface TokenEndpointCounters {
  authorization_code: number;
  refresh_token: number;
  /** Refresh attempts that failed (bad, used or revoked refresh token). */
  refresh_token_failed: number;
}

/** All sandbox state, in memory. One instance per sandbox. */
export class SandboxStore {
  private seq = 1000;
  readonly users = new Map<number, User>();
  readonly tokens = new Map<number, TokenRecord>();
  readonly tokensByValue = new Map<string, TokenRecord>();
  readonly apps = new Map<string, OAuthApp>();
  readonly grants = new Map<number, Grant>();
  readonly codes = new Map<string, AuthCode>();
  readonly repos = new Map<number, Repo>();
  readonly pulls: PullRequest[] = [];
  readonly issues: Issue[] = [];
  readonly comments: Comment[] = [];
  /** GitHub pull request reviews. */
  readonly reviews: Review[] = [];
  /** GitLab merge request approvals. */
  readonly approvals: Approval[] = [];
  /** GitHub commit statuses, in the order they were posted. */
  readonly commitStatuses: CommitStatus[] = [];
  /** GitHub check runs. */
  readonly checkRuns: CheckRun[] = [];
  /** GitHub review threads marked resolved: the thread's first comment id → who resolved it. */
  readonly resolvedThreads = new Map<number, number>();
  readonly faults: Fault[] = [];
  readonly revocations: Revocation[] = [];
  readonly requestLog: RequestLogEntry[] = [];
  readonly violations: OpenApiViolation[] = [];
  validatedResponses = 0;
  readonly tokenEndpoint = new Map<ProviderId, TokenEndpointCounters>();
  readonly autoApprove = new Map<ProviderId, boolean>();
  readonly signedIn = new Map<ProviderId, number>();
  /** Pending consent requests from the HTML authorize page, by request id. */
  readonly consentRequests = new Map<string, PendingConsent>();
  readonly instanceId = randomUUID();
  /** GitHub's hourly rate-limit window per caller (user id or client address). */
  readonly rateWindows = new Map<string, { reset: number; used: number }>();

  nextId(): number {
    this.seq += 1;
    return this.seq;
  }

  userByLogin(provider: ProviderId, login: string): User | undefined {
    const wanted = login.toLowerCase();
    for (const user of this.users.values()) {
      if (user.provider === provider && user.login.toLowerCase() === wanted) return user;
    }
    return undefined;
  }

  userByEmail(provider: ProviderId, email: string): User | undefined {
    const wanted = email.toLowerCase();
    for (const user of this.users.values()) {
      if (user.provider === provider && user.email.toLowerCase() === wanted) return user;
    }
    return undefined;
  }

  /** The user the provider's web pages are "signed in" as: set by the admin API, else the first user. */
  sessionUser(provider: ProviderId): User | undefined {
    const id = this.signedIn.get(provider);
    if (id !== undefined) return this.users.get(id);
    for (const user of this.users.values()) if (user.provider === provider) return user;
    return undefined;
  }

  repoByPath(provider: ProviderId, path: string): Repo | undefined {
    const wanted = path.toLowerCase();
    for (const repo of this.repos.values()) {
      if (repo.provider === provider && repo.path.toLowerCase() === wanted) return repo;
    }
    return undefined;
  }

  addToken(token: TokenRecord): TokenRecord {
    this.tokens.set(token.id, token);
    this.tokensByValue.set(token.value, token);
    return token;
  }

  counters(provider: ProviderId): TokenEndpointCounters {
    let counters = this.tokenEndpoint.get(provider);
    if (!counters) {
      counters = { authorization_code: 0, refresh_token: 0, refresh_token_failed: 0 };
      this.tokenEndpoint.set(provider, counters);
    }
    return counters;
  }

  logRequest(entry: RequestLogEntry): void {
    this.requestLog.push(entry);
    if (this.requestLog.length > REQUEST_LOG_LIMIT) this.requestLog.splice(0, this.requestLog.length - REQUEST_LOG_LIMIT);
  }

  /** Revokes one token (and, for an access token, nothing else). */
  revokeToken(token: TokenRecord, via: "api" | "admin", now = Date.now()): void {
    if (token.revokedAt === null) token.revokedAt = now;
    this.revocations.push({
      at: now,
      provider: token.provider,
      kind: "token",
      via,
      tokenId: token.id,
      clientId: token.clientId,
      userId: token.userId,
    });
  }

  /** Revokes a grant and every token minted under it. */
  revokeGrant(grant: Grant, via: "api" | "admin", now = Date.now()): void {
    grant.revokedAt = now;
    for (const token of this.tokens.values()) {
      if (token.grantId === grant.id && token.revokedAt === null) token.revokedAt = now;
    }
    this.revocations.push({ at: now, provider: grant.provider, kind: "grant", via, clientId: grant.clientId, userId: grant.userId });
  }

  activeGrant(provider: ProviderId, clientId: string, userId: number): Grant | undefined {
    for (const grant of this.grants.values()) {
      if (grant.provider === provider && grant.clientId === clientId && grant.userId === userId && grant.revokedAt === null) {
        return grant;
      }
    }
    return undefined;
  }
}
