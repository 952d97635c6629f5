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
    .describe(what === "pull request" ? "The pull request's number (GitLab: the merge request's IID), as in its URL: .../pull/12 or .../merge_requests/12 → 12." : "The issue's number (GitLab: its IID), as in its URL: .../issues/12 → 12.");
const branch = z
  .string()
  .trim()
  .min(1)
  .max(255)
  .regex(/^(?!-)[^\s~^:?*[\\]+$/, "must be a branch name (no spaces or ~^:?*[\\)");
const limit = z.number().int().min(1).max(100).default(30).describe("How many to return, newest first (1–100, default 30).");
const login = z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9_.-]+$/, "must be a user name");
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

/** Builds the input schemas for an environment whose repository is `defaultRepository`. */
export function toolInputSchemas(defaultRepository: string) {
  const repository = repositoryField(defaultRepository);
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
    get_pull_request: z.strictObject({
      repository,
      number: number("pull request"),
    }),
    list_pull_requests: z.strictObject({
      repository,
      state: z.enum(["open", "closed", "merged", "all"]).default("open").describe('Which to list: "open" (default), "closed" (closed without being merged), "merged", or "all".'),
      head: branch.optional().describe("Only pull requests from this source branch."),
      base: branch.optional().describe("Only pull requests into this target branch."),
      limit,
    }),
    create_issue: z.strictObject({
      repository,
      title: text(256).describe("The issue's title: one line."),
      body: z.string().max(65_536).optional().describe("The description, in Markdown."),
      labels: z.array(label).max(20).optional().describe("Label names to set, e.g. [\"bug\"]. Labels the owner may not set are dropped by the provider."),
      assignees: z.array(login).max(10).optional().describe("User names (logins) to assign. Only people with access to the repository can be assigned."),
    }),
    update_issue: z
      .strictObject({
        repository,
        number: number("issue"),
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
      limit,
    }),
    comment_on_issue: z.strictObject({
      repository,
      number: number("issue"),
      body: text(65_536).describe("The comment, in Markdown."),
    }),
    add_review_comment: z.strictObject({
      repository,
      number: number("pull request"),
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
      commit: z
        .string()
        .regex(/^[0-9a-f]{40}$/, "must be a full 40-character commit SHA")
        .optional()
        .describe("The commit the line refers to: the pull request's latest head commit SHA (get_pull_request returns it as headSha). Defaults to that."),
      body: text(65_536).describe("The comment, in Markdown."),
    }),
    submit_review: z
      .strictObject({
        repository,
        number: number("pull request"),
        event: z
          .enum(["COMMENT", "APPROVE", "REQUEST_CHANGES"])
          .describe('"COMMENT": a general comment on the whole pull request. "APPROVE": approve it. "REQUEST_CHANGES": ask for changes (GitLab has no such state: the body is posted as a comment).'),
        body: z.string().trim().max(65_536).optional().describe("The review's text, in Markdown. Required for COMMENT and REQUEST_CHANGES."),
      })
      .refine((v) => v.event === "APPROVE" || (v.body !== undefined && v.body.length > 0), { message: "A COMMENT or REQUEST_CHANGES review needs a body.", path: ["body"] }),
  } satisfies Record<ToolName, z.ZodType>;
}

export type ToolInputSchemas = ReturnType<typeof toolInputSchemas>;
/** The parsed input of one tool. */
export type ToolInput<K extends ToolName> = z.output<ToolInputSchemas[K]>;

/** What each tool is for, as the agent reads it in the tool list. */
export const toolDescriptions: Record<ToolName, { title: string; description: string; readOnly: boolean }> = {
  create_pull_request: {
    title: "Open a pull request",
    description:
      "Opens a pull request (GitLab: merge request) from a branch already pushed from this environment into the base branch, as the environment's owner. Push first with git; returns the number and URL.",
    readOnly: false,
  },
  get_pull_request: { title: "Get a pull request", description: "Reads one pull request (GitLab: merge request): state, branches, head commit SHA, author and URL.", readOnly: true },
  list_pull_requests: { title: "List pull requests", description: "Lists pull requests (GitLab: merge requests), newest first, optionally filtered by state and branches.", readOnly: true },
  create_issue: { title: "Create an issue", description: "Opens an issue as the environment's owner, with optional labels and assignees.", readOnly: false },
  update_issue: {
    title: "Update an issue",
    description: "Changes an issue's title, description, state (close or reopen), labels or assignees. Labels and assignees given replace the current ones.",
    readOnly: false,
  },
  list_issues: { title: "List issues", description: "Lists issues, newest first, optionally filtered by state and labels (pull requests are not included).", readOnly: true },
  comment_on_issue: { title: "Comment on an issue", description: "Adds a comment to an issue as the environment's owner.", readOnly: false },
  add_review_comment: {
    title: "Comment on a line of a pull request",
    description:
      "Adds a review comment on one line of a pull request's diff (GitLab: a diff discussion on a merge request). The line must be part of the diff; use side LEFT for removed lines.",
    readOnly: false,
  },
  submit_review: {
    title: "Submit a review",
    description: "Submits a general review of a pull request: a comment, an approval or a request for changes (not tied to a line).",
    readOnly: false,
  },
};
