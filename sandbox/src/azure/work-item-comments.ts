import type { Router } from "../http/router";
import type { User } from "../types";
import { azError, azRoute, identityRef, iso, objectBody, onEitherCase, requirePreview, requireWorkScope, requireWorkWrite } from "./access";
import type { AzEnv } from "./common";
import { azureState, type AzWorkItem, type AzWorkItemComment } from "./state";
import { findWorkItem, workItemUrl } from "./work-items";

/**
 * Work item comments (learn.microsoft.com/rest/api/azure/devops/wit/comments, 7.1-preview.4):
 * paged with `$top` and a continuation token (in the body and the `x-ms-continuationtoken`
 * header), newest first unless `order=asc`.
 */

const C = "/:org/:project/_apis/wit/workItems/:id/comments";

function commentJson(env: AzEnv, item: AzWorkItem, c: AzWorkItemComment): Record<string, unknown> {
  const author = identityRef(env, item.org, env.store.users.get(c.authorId) as User);
  return {
    workItemId: item.id,
    id: c.id,
    version: 1,
    text: c.text,
    createdBy: author,
    createdDate: iso(c.createdAt),
    modifiedBy: author,
    modifiedDate: iso(c.createdAt),
    url: `${workItemUrl(env, item)}/comments/${c.id}`,
  };
}

function token(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString("base64url");
}

function offsetOf(value: string | null): number {
  if (!value) return 0;
  const m = /^offset:(\d+)$/.exec(Buffer.from(value, "base64url").toString("utf8"));
  if (!m) throw azError(400, "The continuation token is not valid.", "InvalidArgumentValueException");
  return Number(m[1]);
}

export function registerWorkItemCommentRoutes(router: Router, env: AzEnv): void {
  onEitherCase(
    router,
    "GET",
    C,
    azRoute(env, (ctx, auth) => {
      requirePreview(ctx);
      requireWorkScope(auth, "read");
      const { item } = findWorkItem(env, ctx, auth, ctx.params.id);
      const top = Number(ctx.query.get("$top") ?? 200);
      if (!Number.isInteger(top) || top < 1 || top > 200) throw azError(400, "The value of $top must be between 1 and 200.", "InvalidArgumentValueException");
      const offset = offsetOf(ctx.query.get("continuationToken"));
      const ordered = ctx.query.get("order")?.toLowerCase() === "asc" ? [...item.comments] : [...item.comments].reverse();
      const page = ordered.slice(offset, offset + top);
      const more = offset + top < ordered.length;
      const headers: Record<string, string> = more ? { "x-ms-continuationtoken": token(offset + top) } : {};
      ctx.json(
        200,
        {
          totalCount: item.comments.length,
          count: page.length,
          comments: page.map((c) => commentJson(env, item, c)),
          ...(more ? { continuationToken: token(offset + top), nextPage: `${workItemUrl(env, item)}/comments?continuationToken=${token(offset + top)}&$top=${top}` } : {}),
        },
        headers,
      );
    }),
  );

  onEitherCase(
    router,
    "POST",
    C,
    azRoute(env, async (ctx, auth) => {
      requirePreview(ctx);
      requireWorkScope(auth, "write");
      const { item, access } = findWorkItem(env, ctx, auth, ctx.params.id);
      requireWorkWrite(access);
      const body = await objectBody(ctx);
      if (typeof body.text !== "string" || body.text.trim() === "") throw azError(400, "The comment text cannot be empty.", "InvalidArgumentValueException");
      const state = azureState(env.store);
      const comment: AzWorkItemComment = { id: state.nextWorkItemCommentId++, text: body.text, authorId: auth.user.id, createdAt: Date.now() };
      item.comments.push(comment);
      item.changedAt = Math.max(Date.now(), item.changedAt + 1);
      ctx.json(200, commentJson(env, item, comment));
    }),
  );
}
