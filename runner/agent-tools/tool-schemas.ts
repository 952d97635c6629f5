import { z } from "zod";
import type { ToolName } from "@/lib/agents/capabilities";

/**
 * The nine tools' inputs. Written for a model that has only this schema to go on: every field says
 * what it is, its format and its default, and objects are strict so a misspelt field is an error
 * rather than silently ignored. `repository` is described with the environment's own repository,
 * since that is what the model would otherwise have to guess.
 */

const text = (max: number) => z.string().trim().min(1).max(max);
const number = (what: "pull request" | "issue") =>
  z
    .number()
    .int()
    .min(1)
    .max(2_147_483_647)
    .describe(what === "pull request"
        ? "The pull request's number (GitLab: the merge request's IID; Azure DevOps: the pull request ID), as in its URL: .../pull/12, .../merge_requests/12 or .../pullrequest/12 → 12."
        : "The issue's number (GitLab: its IID; Azure DevOps: the work item ID), as in its URL: .../issues/12 or .../_workitems/edit/12 → 12.");
const branch = z
  .string()
  .trim()
  .min(1)
  .max(255)
  .regex(/^(?!-)[^\s~^:?*[\\]+$/, "must be a branch name (no spaces or ~^:?*[\\)");
const limit = z.number().int().min(1).max(100).default(30).describe("How many to return in this answer (1–100, default 30).");
/** Where a list goes on from: the `nextCursor` of the previous answer. */
const cursor = z
  .string()
  .min(1)
  .max(2_000)
  .optional()
  .describe("To read the next page: the nextCursor of the previous answer to the same call (same filters). Omit for the first page.");
const page = { limit, cursor };
const threadId = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .describe("The thread's id, exactly as list_review_threads returns it (an opaque string, not a comment's number).");
const query = z.string().trim().min(1).max(256).describe("Words to look for in titles and descriptions (the provider's own search; no qualifiers needed, the repository is added).");
/** A user name (login); Azure DevOps names people by their sign-in address, so an address is one too. */
const login = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_.+-]+(?:@[A-Za-z0-9.-]+)?$/, "must be a user name (or, on Azure DevOps, a sign-in address)");
const label = z.string().trim().min(1).max(100).regex(/^[^,]+$/, "must not contain a comma");

/** The field every tool shares: which repository, by default the environment's. */
export function repositoryField(defaultRepository: string) {
  return z
    .string()
    .trim()
    .min(3)
    .max(300)
    .optional()
    .describe(
      `The repository, as "owner/name" (GitLab: "group/subgroup/name") or its web URL on this environment's host. ` +
        `Omit it to use this environment's repository, "${defaultRepository}".`,
    );
}

/** One inline comment of a review: a line of the diff and what to say about it. */
const inlineComment = z.strictObject({
  path: z
    .string()
    .trim()
    .min(1)
    .max(1_000)
    .regex(/^(?!\/)(?!.*(?:^|\/)\.\.(?:\/|$)).+$/, "must be a path relative to the repository root")
    .describe('The file, relative to the repository root, e.g. "src/main.ts". It must be changed by the pull request.'),
  line: z.number().int().min(1).max(10_000_000).describe("The line number the comment is on, in the file version chosen by side. It must be within the pull request's diff."),
  side: z
    .enum(["RIGHT", "LEFT"])
    .default("RIGHT")
    .describe('"RIGHT" (default): line in the new version of the file (added or unchanged lines). "LEFT": line in the old version (deleted lines).'),
  body: text(65_536).describe("The comment, in Markdown."),
});

/** Builds the input schemas for an environment whose repository is `defaultRepository`. */
export function toolInputSchemas(defaultRepository: string) {
  const repository = repositoryField(defaultRepository);
  const pull = { repository, number: number("pull request") };
  const issue = { repository, number: number("issue") };
  return {
    create_pull_request: z.strictObject({
      repository,
      title: text(256).describe("The pull request's title: one line saying what the change does."),
      body: z.string().max(65_536).optional().describe("The description, in Markdown: why the change is made, how it was tested."),
      head: branch
        .optional()
        .describe("The branch with the changes. It must already be pushed from the environment (git push origin <branch>). Defaults to the branch checked out in the environment."),
      base: branch.optional().describe("The branch to merge into. Defaults to the repository's default branch."),
      draft: z.boolean().default(false).describe("Open it as a draft (not ready for review). Default false."),
    }),
    get_pull_request: z.strictObject(pull),
    list_pull_requests: z.strictObject({
      repository,
      state: z.enum(["open", "closed", "merged", "all"]).default("open").describe('Which to list: "open" (default), "closed" (closed without being merged), "merged", or "all".'),
      head: branch.optional().describe("Only pull requests from this source branch."),
      base: branch.optional().describe("Only pull requests into this target branch."),
      ...page,
    }),
    search_pull_requests: z.strictObject({
      repository,
      query,
      state: z.enum(["open", "closed", "merged", "all"]).default("all").describe('Which to search: "all" (default), "open", "closed" (closed without being merged) or "merged".'),
      ...page,
    }),
    update_pull_request: z
      .strictObject({
        ...pull,
        title: text(256).optional().describe("A new title."),
        body: z.string().max(65_536).optional().describe("A new description, replacing the old one."),
        state: z.enum(["open", "closed"]).optional().describe('"closed" closes the pull request without merging it, "open" reopens it.'),
        draft: z.boolean().optional().describe("true marks it as a draft, false marks it ready for review."),
        base: branch.optional().describe("A new target branch."),
        reviewers: z.array(login).max(15).optional().describe("User names (logins) to request a review from, added to those already requested."),
      })
      .refine((v) => [v.title, v.body, v.state, v.draft, v.base, v.reviewers].some((f) => f !== undefined), {
        message: "Give at least one of title, body, state, draft, base or reviewers to change.",
        path: ["number"],
      }),
    list_pull_request_files: z.strictObject({ ...pull, ...page }),
    get_pull_request_checks: z.strictObject(pull),
    list_pull_request_comments: z.strictObject({ ...pull, ...page }),
    create_issue: z.strictObject({
      repository,
      title: text(256).describe("The issue's title: one line."),
      body: z.string().max(65_536).optional().describe("The description, in Markdown."),
      labels: z.array(label).max(20).optional().describe("Label names to set, e.g. [\"bug\"]. Labels the owner may not set are dropped by the provider."),
      assignees: z.array(login).max(10).optional().describe("User names (logins) to assign. Only people with access to the repository can be assigned."),
    }),
    get_issue: z.strictObject({
      ...issue,
      commentLimit: z
        .number()
        .int()
        .min(0)
        .max(100)
        .default(30)
        .describe("How many of its comments to include, oldest first (0–100, default 30). list_issue_comments reads the rest."),
    }),
    list_issue_comments: z.strictObject({ ...issue, ...page }),
    update_issue: z
      .strictObject({
        ...issue,
        title: text(256).optional().describe("A new title."),
        body: z.string().max(65_536).optional().describe("A new description, replacing the old one."),
        state: z.enum(["open", "closed"]).optional().describe('"closed" closes the issue, "open" reopens it.'),
        labels: z.array(label).max(20).optional().describe("The complete new set of label names (replaces the current labels; [] removes all)."),
        assignees: z.array(login).max(10).optional().describe("The complete new set of assignees' user names (replaces the current ones; [] unassigns all)."),
      })
      .refine((v) => [v.title, v.body, v.state, v.labels, v.assignees].some((f) => f !== undefined), {
        message: "Give at least one of title, body, state, labels or assignees to change.",
        path: ["number"],
      }),
    list_issues: z.strictObject({
      repository,
      state: z.enum(["open", "closed", "all"]).default("open").describe('Which to list: "open" (default), "closed" or "all".'),
      labels: z.array(label).max(20).optional().describe("Only issues that have all of these labels."),
      ...page,
    }),
    search_issues: z.strictObject({
      repository,
      query,
      state: z.enum(["open", "closed", "all"]).default("all").describe('Which to search: "all" (default), "open" or "closed".'),
      ...page,
    }),
    comment_on_issue: z.strictObject({
      ...issue,
      body: text(65_536).describe("The comment, in Markdown."),
    }),
    list_reviews: z.strictObject({ ...pull, ...page }),
    list_review_threads: z.strictObject({
      ...pull,
      state: z.enum(["unresolved", "resolved", "all"]).default("all").describe('Which threads: "all" (default), "unresolved" (still to address) or "resolved".'),
      ...page,
    }),
    add_review_comment: z.strictObject({
      ...pull,
      ...inlineComment.shape,
      commit: z
        .string()
        .regex(/^[0-9a-f]{40}$/, "must be a full 40-character commit SHA")
        .optional()
        .describe("The commit the line refers to: the pull request's latest head commit SHA (get_pull_request returns it as headSha). Defaults to that."),
    }),
    reply_to_review_thread: z.strictObject({
      ...pull,
      threadId,
      body: text(65_536).describe("The reply, in Markdown."),
      resolve: z.boolean().default(false).describe("Also mark the thread resolved after replying. Default false."),
    }),
    resolve_review_thread: z.strictObject({
      ...pull,
      threadId,
      resolved: z.boolean().default(true).describe("true (default) marks the thread resolved, false reopens (unresolves) it."),
    }),
    submit_review: z
      .strictObject({
        ...pull,
        event: z
          .enum(["COMMENT", "APPROVE", "REQUEST_CHANGES"])
          .describe('"COMMENT": a review that only comments. "APPROVE": approve it. "REQUEST_CHANGES": ask for changes (where the provider has no such state, the result says what was done instead).'),
        body: z.string().trim().max(65_536).optional().describe("The review's text, in Markdown. Required for REQUEST_CHANGES, and for COMMENT without inline comments."),
        comments: z.array(inlineComment).max(50).optional().describe("Inline comments on lines of the diff, submitted together with the review (at most 50)."),
      })
      .refine((v) => v.event === "APPROVE" || (v.body !== undefined && v.body.length > 0) || (v.event === "COMMENT" && (v.comments?.length ?? 0) > 0), {
        message: "A REQUEST_CHANGES review needs a body; a COMMENT review needs a body or inline comments.",
        path: ["body"],
      }),
    get_me: z.strictObject({}),
    list_labels: z.strictObject({ repository, ...page }),
    list_assignable_users: z.strictObject({
      repository,
      query: z.string().trim().min(1).max(100).optional().describe("Only users whose user name or display name contains this text."),
      ...page,
    }),
  } satisfies Record<ToolName, z.ZodType>;
}

export type ToolInputSchemas = ReturnType<typeof toolInputSchemas>;
/** The parsed input of one tool. */
export type ToolInput<K extends ToolName> = z.output<ToolInputSchemas[K]>;

/** What each tool is for, as the agent reads it in the tool list. */
export const toolDescriptions: Record<ToolName, { title: string; description: string; readOnly: boolean; destructive?: boolean }> = {
  create_pull_request: {
    title: "Open a pull request",
    description:
      "Opens a pull request (GitLab: merge request) from a branch already pushed from this environment into the base branch, as the environment's owner. Push first with git; returns the number and URL.",
    readOnly: false,
  },
  get_pull_request: {
    title: "Get a pull request",
    description: "Reads one pull request (GitLab: merge request): title, description, state, draft, branches, head commit SHA, author, labels, assignees, requested reviewers and URL.",
    readOnly: true,
  },
  list_pull_requests: { title: "List pull requests", description: "Lists pull requests (GitLab: merge requests), newest first, optionally filtered by state and branches. Pages with cursor.", readOnly: true },
  search_pull_requests: {
    title: "Search pull requests",
    description: "Finds pull requests (GitLab: merge requests) in the repository whose title or description contains the words given, newest first. Pages with cursor.",
    readOnly: true,
  },
  update_pull_request: {
    title: "Update a pull request",
    description:
      "Changes a pull request's title, description, target branch or draft status, closes or reopens it, or requests reviewers. The description given replaces the old one. Does not merge.",
    readOnly: false,
    destructive: true,
  },
  list_pull_request_files: {
    title: "List a pull request's changed files",
    description: "Lists the files a pull request changes: path, status (added, modified, removed, renamed), lines added and removed, and the patch (cut when long). Pages with cursor.",
    readOnly: true,
  },
  get_pull_request_checks: {
    title: "Get a pull request's checks",
    description:
      "Reads the CI status of a pull request's head commit: each check, status or pipeline job with its state (pending, success, failure, …) and link, and one overall state. Call it again to see pending checks finish.",
    readOnly: true,
  },
  list_pull_request_comments: {
    title: "List a pull request's comments",
    description: "Lists the conversation comments of a pull request (not those on lines of the diff: list_review_threads reads those), oldest first. Pages with cursor.",
    readOnly: true,
  },
  create_issue: { title: "Create an issue", description: "Opens an issue as the environment's owner, with optional labels and assignees.", readOnly: false },
  get_issue: {
    title: "Read an issue",
    description: "Reads one issue with its description and its first comments (oldest first): what an agent reads before working on it. list_issue_comments pages through the rest.",
    readOnly: true,
  },
  list_issue_comments: { title: "List an issue's comments", description: "Lists an issue's comments, oldest first. Pages with cursor.", readOnly: true },
  update_issue: {
    title: "Update an issue",
    description: "Changes an issue's title, description, state (close or reopen), labels or assignees. Labels and assignees given replace the current ones.",
    readOnly: false,
    destructive: true,
  },
  list_issues: { title: "List issues", description: "Lists issues, newest first, optionally filtered by state and labels (pull requests are not included). Pages with cursor.", readOnly: true },
  search_issues: {
    title: "Search issues",
    description: "Finds issues in the repository whose title or description contains the words given, newest first (pull requests are not included). Pages with cursor.",
    readOnly: true,
  },
  comment_on_issue: { title: "Comment on an issue", description: "Adds a comment to an issue as the environment's owner.", readOnly: false },
  list_reviews: {
    title: "List a pull request's reviews",
    description: "Lists the reviews of a pull request, oldest first: who reviewed, the verdict (approved, changes requested, commented) and the review's text. Pages with cursor.",
    readOnly: true,
  },
  list_review_threads: {
    title: "List a pull request's review threads",
    description:
      "Lists the discussion threads on lines of a pull request's diff, each with its id, whether it is resolved, the file and line, and its comments in order. Use the thread id to reply or resolve. Pages with cursor.",
    readOnly: true,
  },
  add_review_comment: {
    title: "Comment on a line of a pull request",
    description:
      "Adds a review comment on one line of a pull request's diff (GitLab: a diff discussion on a merge request), starting a new thread. The line must be part of the diff; use side LEFT for removed lines.",
    readOnly: false,
  },
  reply_to_review_thread: {
    title: "Reply to a review thread",
    description: "Adds a reply to an existing review thread (from list_review_threads), and optionally resolves the thread in the same call.",
    readOnly: false,
  },
  resolve_review_thread: {
    title: "Resolve or unresolve a review thread",
    description: "Marks a review thread (from list_review_threads) resolved, or reopens it with resolved false.",
    readOnly: false,
  },
  submit_review: {
    title: "Submit a review",
    description: "Submits a review of a pull request: a comment, an approval or a request for changes, optionally with several inline comments on lines of the diff in the same review.",
    readOnly: false,
  },
  get_me: { title: "Who am I", description: "Says which account the tools act as on the provider: the environment owner's user name, display name and profile link.", readOnly: true },
  list_labels: { title: "List labels", description: "Lists the labels that can be set on the repository's issues and pull requests, with their descriptions. Pages with cursor.", readOnly: true },
  list_assignable_users: {
    title: "List assignable users",
    description: "Lists the people who can be assigned to issues or asked to review pull requests in the repository, optionally filtered by name. Pages with cursor.",
    readOnly: true,
  },
};
