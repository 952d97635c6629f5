import type { Router } from "../http/router";
import { azError, azRoute, projectAccess, requirePreview, requireWorkScope } from "./access";
import type { AzEnv } from "./common";
import { azureState, type AzWorkItem } from "./state";
import { parseWiql, WiqlError } from "./wiql";
import { workItemUrl } from "./work-items";

/**
 * Finding work items: WIQL (learn.microsoft.com/rest/api/azure/devops/wit/wiql/query-by-wiql),
 * answering ids only, as Azure DevOps does, and the project's tags (.../wit/tags/list).
 */

/** What WIQL reads of a work item's fields. */
function readField(env: AzEnv) {
  return (item: AzWorkItem, field: string): string | string[] | null => {
    switch (field) {
      case "System.Id":
        return String(item.id);
      case "System.TeamProject":
        return item.project;
      case "System.State":
        return item.state;
      case "System.Title":
        return item.title;
      case "System.Description":
        return item.description;
      case "System.Tags":
        return item.tags;
      case "System.WorkItemType":
        return item.type;
      case "System.AssignedTo": {
        const user = item.assignedToId === null ? undefined : env.store.users.get(item.assignedToId);
        return user ? [user.email, user.name] : null;
      }
      default:
        return null;
    }
  };
}

export function registerAzureWorkItemQueryRoutes(router: Router, env: AzEnv): void {
  const state = azureState(env.store);

  router.on(
    "POST",
    "/:org/:project/_apis/wit/wiql",
    azRoute(env, async (ctx, auth) => {
      requireWorkScope(auth, "read");
      const access = projectAccess(env, ctx, auth);
      const body = (await ctx.jsonBody()) as { query?: unknown };
      if (typeof body?.query !== "string") throw azError(400, "The query text is required.", "ArgumentNullException");
      let query;
      try {
        query = parseWiql(body.query);
      } catch (e) {
        if (e instanceof WiqlError) throw azError(400, e.message, "QueryException");
        throw e;
      }
      const top = Number(ctx.query.get("$top") ?? 20_000);
      const scope = { project: access.project, me: { email: auth.user.email, name: auth.user.name } };
      const read = readField(env);
      const key = (item: AzWorkItem, field: string): number | string => (field === "System.ChangedDate" ? item.changedAt : field === "System.CreatedDate" ? item.createdAt : field === "System.Title" ? item.title.toLowerCase() : item.id);
      const order = [...query.order, { field: "System.Id", descending: false }];
      const items = state.workItems
        .filter((w) => w.org.toLowerCase() === access.org.toLowerCase() && query.where(w, scope, read))
        .filter((w) => {
          try {
            return projectAccess(env, ctx, auth, w.project) !== null;
          } catch {
            return false;
          }
        })
        .sort((a, b) => {
          for (const o of order) {
            const [x, y] = [key(a, o.field), key(b, o.field)];
            if (x !== y) return (x < y ? -1 : 1) * (o.descending ? -1 : 1);
          }
          return 0;
        })
        .slice(0, top);
      ctx.json(200, {
        queryType: "flat",
        queryResultType: "workItem",
        asOf: new Date().toISOString(),
        columns: query.columns.map((c) => ({ referenceName: c, name: c.replace(/^System\./, ""), url: `${env.webUrl()}/${access.org}/_apis/wit/fields/${c}` })),
        sortColumns: query.order.map((o) => ({ field: { referenceName: o.field, name: o.field.replace(/^System\./, ""), url: `${env.webUrl()}/${access.org}/_apis/wit/fields/${o.field}` }, descending: o.descending })),
        workItems: items.map((w) => ({ id: w.id, url: workItemUrl(env, w) })),
      });
    }),
  );

  router.on(
    "GET",
    "/:org/:project/_apis/wit/tags",
    azRoute(env, (ctx, auth) => {
      requireWorkScope(auth, "read");
      const access = projectAccess(env, ctx, auth);
      requirePreview(ctx);
      const names = state.tags.get(`${access.org}/${access.project}`.toLowerCase()) ?? [];
      const value = names.map((name, i) => ({ id: `${access.projectId.slice(0, 24)}${String(i + 1).padStart(12, "0")}`, name, url: `${env.webUrl()}/${access.org}/${access.projectId}/_apis/wit/tags/${encodeURIComponent(name)}` }));
      ctx.json(200, { count: value.length, value });
    }),
  );

}
