import type { ScmBackend } from "../../agent-tools/backend";
import type { LabelItem, UserItem } from "../../agent-tools/tool-output";
import { allTeamMembers, answersTo, defaultTeam, me, teamMembers, userItem } from "./people";
import { pullRequestTools } from "./pull-requests";
import { AzureRest, offsetOf, pageOf, PREVIEW_1 } from "./rest";
import { reviewTools } from "./reviews";
import { workItemTools } from "./work-items";
import { azureDevopsToolNotes } from "./tool-notes";

/**
 * Azure DevOps Services and Server, on the REST API 7.1 with the runner's bounded fetch
 * (`azure-devops-node-api` brings its own HTTP stack, outside the runner's egress policy). Pull
 * requests, threads, votes and statuses; work items for the issue tools; work item tags for
 * labels; the project's default team for assignable people.
 */
export const azureDevopsBackend: ScmBackend = {
  ...pullRequestTools,
  ...workItemTools,
  ...reviewTools,

  async get_me(ctx) {
    const rest = new AzureRest(ctx);
    const { user } = await me(rest);
    return { url: null, data: { user, notes: ["Azure DevOps names people by their sign-in address; the user name here is its account part, which the tools accept wherever a user name is asked for."] } };
  },

  async list_labels(ctx, input) {
    const rest = new AzureRest(ctx);
    const tags = await rest.get<{ value?: { name: string }[] }>(rest.project("wit/tags"), undefined, PREVIEW_1);
    const labels: LabelItem[] = (tags.value ?? []).map((t) => ({ name: t.name, description: null, color: null }));
    const { items, hasMore, nextCursor } = pageOf(labels, input.limit, input.cursor);
    return { url: null, data: { labels: items, hasMore, nextCursor, notes: ["Azure DevOps: the project's work item tags, which create_issue and update_issue set as labels."] } };
  },

  async list_assignable_users(ctx, input) {
    const rest = new AzureRest(ctx);
    const team = await defaultTeam(rest);
    const notes = [`Azure DevOps: the members of the project's default team, ${team.name}.`];
    if (input.query) {
      const wanted = input.query.toLowerCase();
      const found = (await allTeamMembers(rest, team.id)).filter((m) => answersTo(m, input.query!) || [m.uniqueName, m.displayName].some((n) => n?.toLowerCase().includes(wanted)));
      const { items, hasMore, nextCursor } = pageOf(found.map(userItem), input.limit, input.cursor);
      return { url: null, data: { users: items, hasMore, nextCursor, notes } };
    }
    const offset = offsetOf(input.cursor);
    const members = await teamMembers(rest, team.id, input.limit + 1, offset);
    const hasMore = members.length > input.limit;
    const users: UserItem[] = members.slice(0, input.limit).map(userItem);
    return { url: null, data: { users, hasMore, nextCursor: hasMore ? String(offset + input.limit) : null, notes } };
  },

  async itemMissing(ctx, kind, n) {
    const rest = new AzureRest(ctx);
    const repository = await rest.raw("GET", rest.repo());
    if (repository.status !== 200) return false;
    const item = kind === "pull" ? await rest.raw("GET", rest.repo(`pullrequests/${n}`)) : await rest.raw("GET", rest.org(`wit/workitems/${n}`));
    return item.status === 404;
  },

  toolNotes: azureDevopsToolNotes,
};
