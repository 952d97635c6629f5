import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { ToolName } from "@/lib/agents/capabilities";
import type { ToolInput } from "./tool-schemas";
import { ToolFailure } from "./tool-error";
import { unreachable } from "./provider-failure";
import * as http from "../net/http";

/** Everything a provider backend needs for one call, resolved and checked by `runToolCall`. */
export type BackendContext = {
  /** REST base (`https://api.github.com`, `${base}/api/v3`, `${base}/api/v4`). */
  apiUrl: string;
  /** The web UI base, for links the API does not return (GitLab notes). */
  webUrl: string;
  host: string;
  /** The owner's access token, opened for this call only. */
  token: string;
  /** `owner/name` (GitLab: `group/sub/name`), already checked to be on the environment's host. */
  repository: string;
  /** The MCP request's cancellation. */
  signal: AbortSignal;
  /** Longest one provider request may take. */
  timeoutMs: number;
  /** The branch checked out in the environment's working copy, when there is one. */
  currentBranch: () => Promise<string | null>;
};

/** A tool's answer: a short text for the agent, the link it made (for the activity log), and the data. */
export type ToolResult = {
  text: string;
  url: string | null;
  data: Record<string, unknown>;
};

/** One provider's implementation of the nine tools, inputs as parsed (without `repository`). */
export type ScmBackend = {
  [K in ToolName]: (ctx: BackendContext, input: Omit<ToolInput<K>, "repository">) => Promise<ToolResult>;
};

/** A pull request (GitLab: merge request) as every tool reports it. */
export type PullRequestView = {
  number: number;
  title: string;
  state: "open" | "closed" | "merged";
  draft: boolean;
  head: string;
  base: string;
  headSha: string | null;
  author: string | null;
  url: string;
};

/** An issue as every tool reports it. */
export type IssueView = {
  number: number;
  title: string;
  state: "open" | "closed";
  labels: string[];
  assignees: string[];
  author: string | null;
  url: string;
};

/**
 * `fetch` for a provider client, on the runner's bounded fetch: each request bounded by `timeoutMs`
 * and the call's signal, no redirect followed, and no answer at all reported as `host_unreachable`
 * (or `operation_aborted` when the agent cancelled), never as the client library's own error text.
 */
export function boundedFetch(ctx: Pick<BackendContext, "host" | "signal" | "timeoutMs">): typeof fetch {
  return async (input, init) => {
    let response: Response;
    try {
      response = await http.boundedFetch(input, { method: init?.method, headers: init?.headers, body: init?.body, timeoutMs: ctx.timeoutMs, signal: ctx.signal, extraSignal: init?.signal });
    } catch (e) {
      if (ctx.signal.aborted) throw new ToolFailure("operation_aborted", "The tool call was cancelled before the provider answered.");
      if (e instanceof http.NoAnswerError && e.refusal) throw new ToolFailure("host_address_refused", `${e.refusal.message} Nothing was sent to the provider.`);
      throw unreachable(ctx.host, e instanceof http.NoAnswerError && e.timedOut);
    }
    // Redirects are not followed (the owner's token stays on the host), and a client library would
    // read a redirect's body as the answer.
    if (response.status >= 300 && response.status < 400 && response.status !== 304) {
      await response.body?.cancel().catch(() => {});
      throw new ToolFailure("provider_error", `${ctx.host} answered with a redirect (HTTP ${response.status}), which the tools do not follow. Nothing was done.`);
    }
    return response;
  };
}

/** A failure thrown by `boundedFetch`, found again inside whatever the client library wrapped it in. */
export function wrappedFailure(e: unknown): ToolFailure | null {
  for (let cur: unknown = e, depth = 0; cur && depth < 4; cur = (cur as { cause?: unknown }).cause, depth++) {
    if (cur instanceof ToolFailure) return cur;
  }
  return null;
}

const run = promisify(execFile);

/**
 * The branch checked out in `workdir` (null when detached, not a repository, or no workdir): what
 * "the branch pushed from the environment" means when the agent does not name one.
 */
export async function checkedOutBranch(workdir: string | null): Promise<string | null> {
  if (!workdir) return null;
  try {
    const { stdout } = await run("git", ["symbolic-ref", "--quiet", "--short", "HEAD"], {
      cwd: workdir,
      timeout: 5_000,
      // Only what git needs to read the working copy; nothing of the runner's own environment.
      env: { NODE_ENV: process.env.NODE_ENV, PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", GIT_TERMINAL_PROMPT: "0" },
    });
    return stdout.trim() || null;
  } catch {
    return null;
  }
}

/** The branch to open a pull request from: the one named, else the one checked out. */
export async function headBranch(ctx: BackendContext, head: string | undefined): Promise<string> {
  const branch = head ?? (await ctx.currentBranch());
  if (!branch) {
    throw new ToolFailure("validation_failed", "No branch is checked out in the environment: name the branch to open the pull request from.", {
      fieldErrors: { head: ["Required: no branch is checked out in the environment."] },
    });
  }
  return branch;
}

/** The refusal for a head branch the provider does not have. */
export function branchNotPushed(host: string, branch: string): ToolFailure {
  return new ToolFailure("validation_failed", `The branch "${branch}" is not on ${host}: push it from the environment first (git push -u origin ${branch}), then try again.`, {
    fieldErrors: { head: [`Branch "${branch}" does not exist on ${host}.`] },
  });
}

/** The answer to a tool that returned a list. */
export function listResult<T extends { number: number; title: string; url: string }>(key: string, items: T[], what: string): ToolResult {
  const lines = items.map((i) => `#${i.number} ${i.title} (${i.url})`);
  return { text: items.length === 0 ? `No ${what} found.` : `${items.length} ${what}:\n${lines.join("\n")}`, url: null, data: { [key]: items, count: items.length } };
}
