import type { Ctx } from "../http/server";
import type { Router } from "../http/router";
import type { User } from "../types";
import { azError, azRoute, identityRef, iso, onEitherCase, projectAccess, projectMembers, requireWorkScope, requireWorkWrite, type ProjectAccess } from "./access";
import type { AzAuth, AzEnv } from "./common";
import { azureState, BASIC_PROCESS, rememberTags, type AzWorkItem } from "./state";

/**
 * Work items (learn.microsoft.com/rest/api/azure/devops/wit/work-items) and work item types
 * (.../wit/work-item-types, .../wit/work-item-type-states). Projects run the Basic process.
 * Creating and updating take a JSON Patch document (`application/json-patch+json`), as the real
 * service insists.
 */

const FIELD_NAMES: Record<string, string> = {
  "System.Title": "Title",
  "System.Description": "Description",
  "System.State": "State",
  "System.Tags": "Tags",
  "System.AssignedTo": "Assigned To",
  "System.History": "History",
};

export function workItemNotFound(id: number | string): Error {
  return azError(404, `TF401232: Work item ${id} does not exist, or you do not have permissions to read it.`, "WorkItemUnauthorizedAccessException");
}

function ruleError(field: string, codes: string): Error {
  return azError(400, `TF401320: Rule Error for field ${FIELD_NAMES[field] ?? field}. Error code: ${codes}.`, "RuleValidationException");
}

function tagList(value: string): string[] {
  return [...new Set(value.split(";").map((t) => t.trim()).filter(Boolean))];
}

/** The work item's fields as the REST API names them. */
function fieldsJson(env: AzEnv, item: AzWorkItem): Record<string, unknown> {
  const user = (id: number | null) => (id === null ? undefined : identityRef(env, item.org, env.store.users.get(id) as User));
  const fields: Record<string, unknown> = {
    "System.AreaPath": item.project,
    "System.TeamProject": item.project,
    "System.IterationPath": item.project,
    "System.WorkItemType": item.type,
    "System.State": item.state,
    "System.Reason": item.state === "Done" ? "Work finished" : item.state === "Doing" ? "Work started" : "Added to backlog",
    "System.AssignedTo": user(item.assignedToId),
    "System.CreatedDate": iso(item.createdAt),
    "System.CreatedBy": user(item.createdById),
    "System.ChangedDate": iso(item.changedAt),
    "System.ChangedBy": user(item.createdById),
    "System.CommentCount": item.comments.length,
    "System.Title": item.title,
    "System.Description": item.description || undefined,
    "System.Tags": item.tags.length ? item.tags.join("; ") : undefined,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

export function workItemUrl(env: AzEnv, item: AzWorkItem): string {
  return `${env.webUrl()}/${item.org}/_apis/wit/workItems/${item.id}`;
}

/** `WorkItem`, with `_links` when expanded. */
export function workItemJson(env: AzEnv, item: AzWorkItem, expand: string | null): Record<string, unknown> {
  const links = expand && ["links", "all"].includes(expand.toLowerCase());
  return {
    id: item.id,
    rev: item.rev,
    fields: fieldsJson(env, item),
    ...(links
      ? {
          _links: {
            self: { href: workItemUrl(env, item) },
            workItemComments: { href: `${workItemUrl(env, item)}/comments` },
            html: { href: `${env.webUrl()}/${item.org}/${encodeURIComponent(item.project)}/_workitems/edit/${item.id}` },
          },
        }
      : {}),
    url: workItemUrl(env, item),
  };
}

/** The work item of the path in the organization, readable by the caller. */
export function findWorkItem(env: AzEnv, ctx: Ctx, auth: AzAuth, raw: string | undefined): { item: AzWorkItem; access: ProjectAccess } {
  const id = Number(raw);
  const item = azureState(env.store).workItems.find((w) => w.id === id && w.org.toLowerCase() === (ctx.params.org ?? "").toLowerCase());
  if (!item) throw workItemNotFound(raw ?? "");
  try {
    return { item, access: projectAccess(env, ctx, auth, item.project) };
  } catch {
    throw workItemNotFound(id);
  }
}

function identityFor(env: AzEnv, access: ProjectAccess, value: unknown): number | null {
  if (value === "" || value === null) return null;
  const text = String(value).trim();
  const email = /<([^>]+)>$/.exec(text)?.[1] ?? text;
  const user = projectMembers(env, access).find((u) => u.email.toLowerCase() === email.toLowerCase() || u.name.toLowerCase() === text.toLowerCase());
  if (!user) throw azError(400, `The identity value '${text}' for field 'Assigned To' is an unknown identity.`, "WorkItemFieldInvalidException");
  return user.id;
}

type PatchOp = { op?: unknown; path?: unknown; value?: unknown };

/** Applies a JSON Patch document of field operations to a work item. */
function applyPatch(env: AzEnv, access: ProjectAccess, auth: AzAuth, item: AzWorkItem, ops: PatchOp[]): void {
  for (const op of ops) {
    const path = typeof op.path === "string" ? op.path : "";
    const field = /^\/fields\/(.+)$/.exec(path)?.[1];
    if (!["add", "replace", "remove", "test"].includes(String(op.op))) throw azError(400, `The JSON Patch operation '${String(op.op)}' is not valid.`, "InvalidArgumentValueException");
    if (!field) throw azError(400, `The path '${path}' is not valid: only /fields/{name} is emulated.`, "InvalidArgumentValueException");
    if (op.op === "test") continue;
    const value = op.op === "remove" ? "" : op.value;
    switch (field) {
      case "System.Title":
        if (typeof value !== "string" || value.trim() === "") throw ruleError(field, "Required, InvalidEmpty");
        item.title = value;
        break;
      case "System.Description":
        item.description = String(value ?? "");
        break;
      case "System.State": {
        const state = BASIC_PROCESS.states.find((s) => s.name.toLowerCase() === String(value).toLowerCase());
        if (!state) throw ruleError(field, "LimitedToValues");
        item.state = state.name;
        break;
      }
      case "System.Tags":
        item.tags = tagList(String(value ?? ""));
        rememberTags(azureState(env.store), item.org, item.project, item.tags);
        break;
      case "System.AssignedTo":
        item.assignedToId = identityFor(env, access, value);
        break;
      case "System.History":
        if (typeof value === "string" && value !== "") item.comments.push({ id: azureState(env.store).nextWorkItemCommentId++, text: value, authorId: auth.user.id, createdAt: Date.now() });
        break;
      default:
        throw azError(400, `TF51535: Cannot find field ${field}.`, "WorkItemFieldNotFoundException");
    }
  }
}

async function patchDocument(ctx: Ctx): Promise<PatchOp[]> {
  const type = (ctx.req.headers["content-type"] ?? "").toLowerCase();
  if (!type.includes("application/json-patch+json")) {
    throw azError(415, `The request indicated a Content-Type of "${type || "none"}" for method type "${ctx.method}" which is not supported. Valid content types for this method are: application/json-patch+json.`, "VssRequestContentTypeNotSupportedException");
  }
  const body = await ctx.jsonBody();
  if (!Array.isArray(body) || body.length === 0) throw azError(400, "You must pass a valid patch document in the body of the request.", "VssPropertyValidationException");
  return body as PatchOp[];
}

function typeJson(env: AzEnv, access: ProjectAccess, type: (typeof BASIC_PROCESS.types)[number]): Record<string, unknown> {
  return {
    name: type.name,
    referenceName: type.referenceName,
    description: "",
    color: type.color,
    icon: { id: `icon_${type.name.toLowerCase()}`, url: `${env.webUrl()}/_apis/wit/workItemIcons/icon_${type.name.toLowerCase()}` },
    isDisabled: false,
    states: BASIC_PROCESS.states.map((s) => ({ ...s })),
    url: `${env.webUrl()}/${access.org}/${access.projectId}/_apis/wit/workItemTypes/${encodeURIComponent(type.name)}`,
  };
}

function findType(name: string): (typeof BASIC_PROCESS.types)[number] {
  const type = BASIC_PROCESS.types.find((t) => t.name.toLowerCase() === name.replace(/^\$/, "").toLowerCase());
  if (!type) throw azError(404, `VS402323: Work item type ${name.replace(/^\$/, "")} does not exist.`, "WorkItemTypeNotFoundException");
  return type;
}

export function registerAzureWorkItemRoutes(router: Router, env: AzEnv): void {
  const state = azureState(env.store);

  router.on(
    "GET",
    "/:org/:project/_apis/wit/workitemtypes",
    azRoute(env, (ctx, auth) => {
      requireWorkScope(auth, "read");
      const access = projectAccess(env, ctx, auth);
      const value = BASIC_PROCESS.types.map((t) => typeJson(env, access, t));
      ctx.json(200, { count: value.length, value });
    }),
  );

  router.on(
    "GET",
    "/:org/:project/_apis/wit/workitemtypes/:type/states",
    azRoute(env, (ctx, auth) => {
      requireWorkScope(auth, "read");
      projectAccess(env, ctx, auth);
      findType(ctx.params.type ?? "");
      ctx.json(200, { count: BASIC_PROCESS.states.length, value: BASIC_PROCESS.states.map((s) => ({ ...s })) });
    }),
  );

  onEitherCase(
    router,
    "POST",
    "/:org/:project/_apis/wit/workitems/:type",
    azRoute(env, async (ctx, auth) => {
      requireWorkScope(auth, "write");
      const access = projectAccess(env, ctx, auth);
      const type = findType(ctx.params.type ?? "");
      requireWorkWrite(access);
      const ops = await patchDocument(ctx);
      const now = Date.now();
      const item: AzWorkItem = {
        id: state.nextWorkItemId,
        org: access.org,
        project: access.project,
        type: type.name,
        title: "",
        description: "",
        state: BASIC_PROCESS.states[0].name,
        tags: [],
        assignedToId: null,
        createdById: auth.user.id,
        createdAt: now,
        changedAt: now,
        rev: 1,
        comments: [],
      };
      applyPatch(env, access, auth, item, ops);
      if (!item.title) throw ruleError("System.Title", "Required, InvalidEmpty");
      state.nextWorkItemId += 1;
      state.workItems.push(item);
      ctx.json(200, workItemJson(env, item, "all"));
    }),
  );

  const getOne = azRoute(env, (ctx, auth) => {
    requireWorkScope(auth, "read");
    const { item } = findWorkItem(env, ctx, auth, ctx.params.id);
    ctx.json(200, workItemJson(env, item, ctx.query.get("$expand")));
  });
  onEitherCase(router, "GET", "/:org/_apis/wit/workitems/:id", getOne);
  onEitherCase(router, "GET", "/:org/:project/_apis/wit/workitems/:id", getOne);

  const patchOne = azRoute(env, async (ctx, auth) => {
    requireWorkScope(auth, "write");
    const { item, access } = findWorkItem(env, ctx, auth, ctx.params.id);
    requireWorkWrite(access);
    const ops = await patchDocument(ctx);
    const draft = { ...item, tags: [...item.tags], comments: [...item.comments] };
    applyPatch(env, access, auth, draft, ops);
    Object.assign(item, draft, { rev: item.rev + 1, changedAt: Math.max(Date.now(), item.changedAt + 1) });
    ctx.json(200, workItemJson(env, item, "all"));
  });
  onEitherCase(router, "PATCH", "/:org/_apis/wit/workitems/:id", patchOne);
  onEitherCase(router, "PATCH", "/:org/:project/_apis/wit/workitems/:id", patchOne);

  onEitherCase(
    router,
    "GET",
    "/:org/_apis/wit/workitems",
    azRoute(env, (ctx, auth) => {
      requireWorkScope(auth, "read");
      const ids = (ctx.query.get("ids") ?? "").split(",").filter(Boolean).map(Number);
      if (ids.length === 0 || ids.length > 200 || ids.some((n) => !Number.isInteger(n))) throw azError(400, "The ids parameter must list between 1 and 200 work item ids.", "InvalidArgumentValueException");
      const omit = ctx.query.get("errorPolicy")?.toLowerCase() === "omit";
      const value = ids.map((id) => {
        try {
          return workItemJson(env, findWorkItem(env, ctx, auth, String(id)).item, ctx.query.get("$expand"));
        } catch (e) {
          if (omit) return null;
          throw e;
        }
      });
      ctx.json(200, { count: value.length, value });
    }),
  );
}
