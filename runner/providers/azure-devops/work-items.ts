import type { ScmBackend } from "../../agent-tools/backend";
import { ToolFailure } from "../../agent-tools/tool-error";
import type { CommentItem, IssueDetail, IssueItem } from "../../agent-tools/tool-output";
import { loginOf, resolvePeople, type AzIdentity } from "./people";
import { AzureRest, COMMENTS_VERSION, offsetOf, wiqlString, workItemPage } from "./rest";

/**
 * The issue tools on Azure DevOps, where issues are work items (wit/work-items, wit/wiql,
 * wit/comments, wit/work-item-types). Open and closed are read from each type's state categories
 * (Completed and Removed are closed), so they work with every process: Basic's To Do/Doing/Done,
 * Agile's New/Active/Closed, Scrum's, CMMI's. Work items have one assignee and tags for labels.
 */

type List<T> = { value?: T[] };
type IssueTools = Pick<ScmBackend, "create_issue" | "get_issue" | "list_issue_comments" | "update_issue" | "list_issues" | "search_issues" | "comment_on_issue">;

type AzWorkItem = { id: number; fields?: Record<string, unknown>; _links?: { html?: { href?: string } } };
type AzType = { name: string; isDisabled?: boolean; states?: { name: string; category?: string }[] };
type AzWorkItemComment = { id: number; text?: string; createdBy?: AzIdentity; createdDate?: string };
type CommentPage = { comments?: AzWorkItemComment[]; continuationToken?: string | null };

/** The work item types to create an issue as, in order of preference (the first the process has). */
const ISSUE_TYPES = ["Issue", "Bug", "Task", "User Story", "Product Backlog Item", "Requirement"];
const CLOSED_CATEGORIES = ["Completed", "Removed"];
const MAX_IDS = 200;
/** The comments position of the first page (Azure's continuation tokens are never this). */
const START = "start";

const HTML_NOTE = "Azure DevOps keeps work item descriptions and comments as HTML: the text was stored as written (line breaks kept, Markdown not rendered).";

/** Text as HTML that shows it as written. */
export function asHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r?\n/g, "<br>");
}

/** The project's work item types and which of their states are closed. */
class Process {
  constructor(private readonly types: AzType[]) {}

  static async read(rest: AzureRest): Promise<Process> {
    return new Process((await rest.get<List<AzType>>(rest.project("wit/workitemtypes"))).value ?? []);
  }

  private all(): { name: string; category?: string }[] {
    return this.types.flatMap((t) => t.states ?? []);
  }

  /** The names of closed states of every type (for WIQL). */
  closedStates(): string[] {
    return [...new Set(this.all().filter((s) => CLOSED_CATEGORIES.includes(s.category ?? "")).map((s) => s.name))];
  }

  isClosed(type: string, state: string): boolean {
    const states = this.types.find((t) => t.name === type)?.states ?? this.all();
    return states.some((s) => s.name === state && CLOSED_CATEGORIES.includes(s.category ?? ""));
  }

  /** The state "closed" or "open" moves a work item of `type` to. */
  stateFor(type: string, wanted: "open" | "closed"): string {
    const states = this.types.find((t) => t.name === type)?.states ?? [];
    const state = states.find((s) => s.category === (wanted === "closed" ? "Completed" : "Proposed"));
    if (!state) throw new ToolFailure("validation_failed", `Azure DevOps work items of type ${type} have no ${wanted === "closed" ? "completed" : "new"} state to move to.`, { fieldErrors: { state: ["Not available for this work item type."] } });
    return state.name;
  }

  issueType(): string {
    const usable = this.types.filter((t) => !t.isDisabled);
    const type = ISSUE_TYPES.map((n) => usable.find((t) => t.name === n)).find(Boolean) ?? usable[0];
    if (!type) throw new ToolFailure("validation_failed", "This Azure DevOps project has no work item type to create.");
    return type.name;
  }
}

function field(item: AzWorkItem, name: string): unknown {
  return item.fields?.[name];
}

function tags(item: AzWorkItem): string[] {
  const value = field(item, "System.Tags");
  return typeof value === "string" ? value.split(";").map((t) => t.trim()).filter(Boolean) : [];
}

function issueView(rest: AzureRest, process: Process, item: AzWorkItem): IssueItem {
  const type = String(field(item, "System.WorkItemType") ?? "");
  const state = String(field(item, "System.State") ?? "");
  const assignee = loginOf(field(item, "System.AssignedTo") as AzIdentity | undefined);
  return {
    number: item.id,
    title: String(field(item, "System.Title") ?? ""),
    state: process.isClosed(type, state) ? "closed" : "open",
    labels: tags(item),
    assignees: assignee ? [assignee] : [],
    author: loginOf(field(item, "System.CreatedBy") as AzIdentity | undefined),
    updatedAt: typeof field(item, "System.ChangedDate") === "string" ? (field(item, "System.ChangedDate") as string) : null,
    url: item._links?.html?.href ?? workItemPage(rest.target, item.id, String(field(item, "System.TeamProject") ?? rest.target.project)),
    type,
    workItemState: state,
  };
}

function issueDetail(rest: AzureRest, process: Process, item: AzWorkItem): IssueDetail {
  const description = field(item, "System.Description");
  const created = field(item, "System.CreatedDate");
  return { ...issueView(rest, process, item), body: typeof description === "string" && description ? description : null, createdAt: typeof created === "string" ? created : null, updatedAt: issueView(rest, process, item).updatedAt ?? null };
}

async function getWorkItem(rest: AzureRest, n: number): Promise<AzWorkItem> {
  return rest.get<AzWorkItem>(rest.org(`wit/workitems/${n}`), { $expand: "links" });
}

function commentView(rest: AzureRest, n: number, c: AzWorkItemComment): CommentItem {
  return { id: String(c.id), author: loginOf(c.createdBy), body: c.text ?? "", createdAt: c.createdDate ?? null, url: workItemPage(rest.target, n) };
}

/** A page of comments, oldest first; the position is Azure's continuation token ("" for the first page). */
async function commentPage(rest: AzureRest, n: number, top: number, position: string | undefined): Promise<{ comments: CommentItem[]; next: string | null }> {
  const answer = await rest.call<CommentPage>("GET", rest.project(`wit/workItems/${n}/comments`), { query: { $top: top, order: "asc", continuationToken: position || undefined }, version: COMMENTS_VERSION });
  const next = answer.body.continuationToken ?? answer.headers.get("x-ms-continuationtoken");
  return { comments: (answer.body.comments ?? []).map((c) => commentView(rest, n, c)), next: next || null };
}

/** The ids a WIQL query finds, newest first, and the work items of one page of them. */
async function query(rest: AzureRest, process: Process, conditions: string[], limit: number, cursor: string | undefined) {
  const offset = offsetOf(cursor);
  const wiql = `SELECT [System.Id] FROM WorkItems WHERE ${["[System.TeamProject] = @project", ...conditions].join(" AND ")} ORDER BY [System.CreatedDate] DESC`;
  const found = (await rest.call<{ workItems?: { id: number }[] }>("POST", rest.project("wit/wiql"), { query: { $top: offset + limit + 1 }, json: { query: wiql } })).body.workItems ?? [];
  const ids = found.slice(offset, offset + Math.min(limit, MAX_IDS)).map((w) => w.id);
  const items = ids.length ? ((await rest.get<List<AzWorkItem>>(rest.org("wit/workitems"), { ids: ids.join(","), $expand: "links" })).value ?? []) : [];
  const hasMore = found.length > offset + limit;
  return { issues: items.map((i) => issueView(rest, process, i)), hasMore, nextCursor: hasMore ? String(offset + limit) : null };
}

function stateCondition(process: Process, state: "open" | "closed" | "all"): string[] {
  const closed = process.closedStates();
  if (state === "all" || closed.length === 0) return state === "closed" ? ["[System.Id] IN (0)"] : [];
  const list = closed.map(wiqlString).join(", ");
  return [state === "open" ? `[System.State] NOT IN (${list})` : `[System.State] IN (${list})`];
}

/** One assignee at most: the others are said in notes. */
async function assignee(rest: AzureRest, logins: string[] | undefined, notes: string[]): Promise<string | undefined> {
  if (logins === undefined) return undefined;
  if (logins.length > 1) notes.push(`Azure DevOps work items have one assignee: only ${logins[0]} was assigned.`);
  const [person] = await resolvePeople(rest, logins.slice(0, 1), "assignees");
  return person?.uniqueName ?? "";
}

const fieldOp = (name: string, value: unknown) => ({ op: "add", path: `/fields/${name}`, value });

export const workItemTools: IssueTools = {
  async create_issue(ctx, input) {
    const rest = new AzureRest(ctx);
    const process = await Process.read(rest);
    const type = process.issueType();
    const notes: string[] = [];
    if (type !== "Issue") notes.push(`This project's process has no Issue work item type: a ${type} was created.`);
    const assigned = await assignee(rest, input.assignees, notes);
    const ops = [fieldOp("System.Title", input.title)];
    if (input.body) ops.push(fieldOp("System.Description", asHtml(input.body)));
    if (input.labels?.length) ops.push(fieldOp("System.Tags", input.labels.join("; ")));
    if (assigned) ops.push(fieldOp("System.AssignedTo", assigned));
    if (input.body) notes.push(HTML_NOTE);
    const created = (await rest.call<AzWorkItem>("POST", rest.project(`wit/workitems/$${encodeURIComponent(type)}`), { patch: ops })).body;
    const issue = issueView(rest, process, created);
    return { url: issue.url, data: { issue, notes } };
  },

  async get_issue(ctx, input) {
    const rest = new AzureRest(ctx);
    const [process, item] = await Promise.all([Process.read(rest), getWorkItem(rest, input.number)]);
    const issue = issueDetail(rest, process, item);
    let comments: CommentItem[] = [];
    let next: string | null = null;
    if (input.commentLimit > 0) ({ comments, next } = await commentPage(rest, input.number, input.commentLimit, undefined));
    // "start" sends list_issue_comments to the first comment.
    else if (Number(field(item, "System.CommentCount") ?? 0) > 0) next = START;
    return {
      url: issue.url,
      data: { issue, comments, commentsHasMore: next !== null, commentsNextCursor: next, notes: [`Azure DevOps: work item type ${issue.type as string}, state ${issue.workItemState as string}.`] },
    };
  },

  async list_issue_comments(ctx, input) {
    const rest = new AzureRest(ctx);
    const position = input.cursor === START ? undefined : input.cursor;
    const { comments, next } = await commentPage(rest, input.number, input.limit, position);
    return { url: null, data: { comments, hasMore: next !== null, nextCursor: next } };
  },

  async update_issue(ctx, input) {
    const rest = new AzureRest(ctx);
    const [process, item] = await Promise.all([Process.read(rest), getWorkItem(rest, input.number)]);
    const notes: string[] = [];
    const type = String(field(item, "System.WorkItemType") ?? "");
    const ops: ReturnType<typeof fieldOp>[] = [];
    if (input.title !== undefined) ops.push(fieldOp("System.Title", input.title));
    if (input.body !== undefined) {
      ops.push(fieldOp("System.Description", asHtml(input.body)));
      notes.push(HTML_NOTE);
    }
    if (input.state !== undefined && (input.state === "closed") !== process.isClosed(type, String(field(item, "System.State") ?? ""))) {
      ops.push(fieldOp("System.State", process.stateFor(type, input.state)));
    }
    if (input.labels !== undefined) ops.push(fieldOp("System.Tags", input.labels.join("; ")));
    const assigned = await assignee(rest, input.assignees, notes);
    if (assigned !== undefined) ops.push(fieldOp("System.AssignedTo", assigned));
    const updated = ops.length ? (await rest.call<AzWorkItem>("PATCH", rest.org(`wit/workitems/${input.number}`), { patch: ops, query: { $expand: "links" } })).body : item;
    const issue = issueView(rest, process, updated);
    return { url: issue.url, data: { issue, notes } };
  },

  async list_issues(ctx, input) {
    const rest = new AzureRest(ctx);
    const process = await Process.read(rest);
    const conditions = [...stateCondition(process, input.state), ...(input.labels ?? []).map((l) => `[System.Tags] CONTAINS ${wiqlString(l)}`)];
    return { url: null, data: { ...(await query(rest, process, conditions, input.limit, input.cursor)), notes: ["Azure DevOps: the project's work items of every type, labels being their tags."] } };
  },

  async search_issues(ctx, input) {
    const rest = new AzureRest(ctx);
    const process = await Process.read(rest);
    const words = input.query.split(/\s+/).filter(Boolean);
    const conditions = [...stateCondition(process, input.state), ...words.map((w) => `([System.Title] CONTAINS ${wiqlString(w)} OR [System.Description] CONTAINS ${wiqlString(w)})`)];
    return { url: null, data: { ...(await query(rest, process, conditions, input.limit, input.cursor)), notes: ["Azure DevOps: work items found by a WIQL query on their titles and descriptions."] } };
  },

  async comment_on_issue(ctx, input) {
    const rest = new AzureRest(ctx);
    const made = (await rest.call<AzWorkItemComment>("POST", rest.project(`wit/workItems/${input.number}/comments`), { json: { text: asHtml(input.body) }, version: COMMENTS_VERSION })).body;
    const comment = { id: String(made.id), url: workItemPage(rest.target, input.number), author: loginOf(made.createdBy) };
    return { url: comment.url, data: { comment, notes: [HTML_NOTE] } };
  },
};
