import type { BackendContext, ScmBackend } from "../../agent-tools/backend";
import { isToolFailure } from "../../agent-tools/tool-error";
import { gitlabClient } from "./gitlab-client";
import { offsetPage, readPage } from "./paging";
import { userItem, type GitlabUser } from "./views";

type GitlabLabel = { name: string; description?: string | null; color?: string | null };
type GitlabMember = GitlabUser & { state?: string };

/** Who the tools act as, what labels the project has, and who can be assigned. */
export const repositoryTools = {
  async get_me(ctx) {
    const user = userItem((await gitlabClient(ctx).Users.showCurrentUser()) as GitlabUser);
    return { url: user.url, data: { user } };
  },

  async list_labels(ctx, input) {
    const api = gitlabClient(ctx);
    const page = await readPage({
      cursor: input.cursor,
      limit: input.limit,
      fetch: async (p, perPage) => offsetPage(await api.ProjectLabels.all(ctx.repository, { page: p, perPage, pagination: "offset", showExpanded: true })),
    });
    const labels = (page.items as GitlabLabel[]).map((l) => ({ name: l.name, description: l.description ? l.description : null, color: l.color ?? null }));
    return { url: null, data: { labels, hasMore: page.hasMore, nextCursor: page.nextCursor } };
  },

  async list_assignable_users(ctx, input) {
    const api = gitlabClient(ctx);
    // Members including those inherited from the groups above: all of them can be assigned.
    const page = await readPage({
      cursor: input.cursor,
      limit: input.limit,
      keep: (m: GitlabMember) => m.state === undefined || m.state === "active",
      fetch: async (p, perPage) => offsetPage(await api.ProjectMembers.all(ctx.repository, { includeInherited: true, query: input.query, page: p, perPage, pagination: "offset", showExpanded: true })),
    });
    return { url: null, data: { users: (page.items as GitlabMember[]).map(userItem), hasMore: page.hasMore, nextCursor: page.nextCursor } };
  },
} satisfies Pick<ScmBackend, "get_me" | "list_labels" | "list_assignable_users">;

/**
 * Whether the project is readable and has no merge request (`pull`) or issue numbered `n`: GitLab
 * answers 404 both for a missing item and for a project the token cannot see, so the project is
 * read first.
 */
export async function itemMissing(ctx: BackendContext, kind: "pull" | "issue", n: number): Promise<boolean> {
  const api = gitlabClient(ctx);
  await api.Projects.show(ctx.repository);
  try {
    if (kind === "pull") await api.MergeRequests.show(ctx.repository, n);
    else await api.Issues.show(n, { projectId: ctx.repository });
    return false;
  } catch (e) {
    return isToolFailure(e) && e.code === "repository_permission_denied";
  }
}
