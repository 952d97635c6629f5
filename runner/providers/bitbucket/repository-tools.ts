import type { BackendContext, ScmBackend } from "../../agent-tools/backend";
import { ToolFailure } from "../../agent-tools/tool-error";
import type { UserItem } from "../../agent-tools/tool-output";
import { bitbucketApi, IssueTrackerOff, offsetPage, positionOf, readAll, readPage, repoPath, workspaceOf, type BitbucketApi } from "./api";
import { htmlOf, loginOf, userItem } from "./views";

/**
 * Who the tools act as, what can be "labelled" and who can be assigned, on Bitbucket Cloud:
 * `GET /user`; the issue tracker's components (Bitbucket has no labels); the workspace's members
 * (`GET /workspaces/{workspace}/members`), which is also how user names become the account UUIDs
 * Bitbucket's reviewer and assignee fields take.
 */

const NO_LABELS = "Bitbucket has no labels: these are the issue tracker's components. An issue has at most one (the tools set it from labels), and pull requests have none.";

/** The workspace's members: each account with its `{uuid}`. */
export async function workspaceMembers(api: BitbucketApi): Promise<{ users: Record<string, unknown>[]; truncated: boolean }> {
  const { values, truncated } = await readAll(api, `/workspaces/${encodeURIComponent(workspaceOf(api.ctx))}/members`);
  return { users: values.map((m) => (m.user ?? {}) as Record<string, unknown>), truncated };
}

/**
 * The `{uuid}`s of the users named, for Bitbucket's `reviewers` and `assignee`; a name that is no
 * member of the workspace is refused in words under `field`, before anything is changed.
 */
export async function uuidsOf(api: BitbucketApi, logins: string[], field: string): Promise<string[]> {
  if (logins.length === 0) return [];
  const { users } = await workspaceMembers(api);
  const missing: string[] = [];
  const uuids = logins.map((login) => {
    const user = users.find((u) => loginOf(u)?.toLowerCase() === login.toLowerCase());
    if (!user || typeof user.uuid !== "string") missing.push(login);
    return String(user?.uuid ?? "");
  });
  if (missing.length > 0) {
    const message = `${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not a member of the ${workspaceOf(api.ctx)} workspace on Bitbucket (list_assignable_users lists who is). Nothing was changed.`;
    throw new ToolFailure("validation_failed", message, { fieldErrors: { [field]: [message] } });
  }
  return uuids;
}

export const repositoryTools = {
  get_me: async (ctx) => {
    const me = await bitbucketApi(ctx).get("/user");
    const user: UserItem = { ...(userItem(me) ?? { login: "", name: null, url: null }), login: String(me.username ?? loginOf(me) ?? "") };
    return { url: user.url, data: { user } };
  },

  list_labels: async (ctx, input) => {
    const api = bitbucketApi(ctx);
    try {
      const page = await readPage(api, `${repoPath(ctx)}/components`, {}, positionOf(input.cursor, input.limit));
      const labels = page.values.map((c) => ({ name: String(c.name ?? ""), description: null, color: null }));
      return { url: null, data: { labels, hasMore: page.hasMore, nextCursor: page.nextCursor, notes: [NO_LABELS] } };
    } catch (e) {
      if (!(e instanceof IssueTrackerOff)) throw e;
      const note = "Bitbucket has no labels, and this repository's issue tracker, where its components (the nearest thing) live, is switched off.";
      return { url: null, data: { labels: [], hasMore: false, nextCursor: null, notes: [note] } };
    }
  },

  list_assignable_users: async (ctx, input) => {
    const { users, truncated } = await workspaceMembers(bitbucketApi(ctx));
    const needle = input.query?.toLowerCase();
    const items = users
      .map(userItem)
      .filter((u): u is UserItem => u !== null)
      .filter((u) => !needle || u.login.toLowerCase().includes(needle) || (u.name ?? "").toLowerCase().includes(needle));
    const page = offsetPage(items, input.cursor, input.limit);
    const notes = ["Bitbucket assigns and asks for reviews among the workspace's members: these are they."];
    if (truncated) notes.push("The workspace has more members than the tools read (1,000); narrow the list with query.");
    return { url: null, data: { users: page.items, hasMore: page.hasMore, nextCursor: page.nextCursor, notes } };
  },
} satisfies Pick<ScmBackend, "get_me" | "list_labels" | "list_assignable_users">;

/** Whether the repository answers 200 and the numbered pull request or issue 404 (not: an issue tracker that is off). */
export async function itemMissing(ctx: BackendContext, kind: "pull" | "issue", n: number): Promise<boolean> {
  const api = bitbucketApi(ctx);
  const repo = await api.get(repoPath(ctx));
  if (!htmlOf(repo) && typeof repo.full_name !== "string") return false;
  try {
    await api.get(`${repoPath(ctx)}/${kind === "pull" ? "pullrequests" : "issues"}/${n}`);
    return false;
  } catch (e) {
    return e instanceof ToolFailure && !(e instanceof IssueTrackerOff) && e.code === "repository_permission_denied";
  }
}
