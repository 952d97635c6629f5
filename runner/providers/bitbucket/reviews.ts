import type { MadeComment, ScmBackend } from "../../agent-tools/backend";
import { ToolFailure } from "../../agent-tools/tool-error";
import type { ReviewItem } from "../../agent-tools/tool-output";
import { bitbucketApi, offsetPage, repoPath } from "./api";
import { inlineFor, made } from "./review-comments";
import { htmlOf, loginOf, timeOf } from "./views";

/**
 * Reviews on Bitbucket Cloud, which has none as such: each participant's state (`approved`,
 * `changes_requested`) stands in for a review's verdict, set with `POST .../approve` and
 * `POST .../request-changes`; what a reviewer writes is pull request comments. submit_review posts
 * the inline comments one by one, then the body as a comment, then the verdict.
 */

const AS_REVIEWS = "Bitbucket has no reviews: each participant's approval or request for changes stands in for one, without text; what reviewers wrote is in list_pull_request_comments and list_review_threads.";

export const reviewTools = {
  list_reviews: async (ctx, input) => {
    const pr = await bitbucketApi(ctx).get(`${repoPath(ctx)}/pullrequests/${input.number}`);
    const reviews: ReviewItem[] = (Array.isArray(pr.participants) ? (pr.participants as Record<string, unknown>[]) : [])
      .filter((p) => p.state === "approved" || p.state === "changes_requested" || p.approved === true)
      .map((p) => ({
        id: null,
        author: loginOf(p.user),
        state: p.state === "changes_requested" ? "CHANGES_REQUESTED" : "APPROVED",
        body: "",
        submittedAt: timeOf(p.participated_on),
        url: htmlOf(pr),
      }));
    reviews.sort((a, b) => (a.submittedAt ?? "").localeCompare(b.submittedAt ?? ""));
    const page = offsetPage(reviews, input.cursor, input.limit);
    return { url: null, data: { reviews: page.items, hasMore: page.hasMore, nextCursor: page.nextCursor, notes: [AS_REVIEWS] } };
  },

  submit_review: async (ctx, input) => {
    const api = bitbucketApi(ctx);
    const base = `${repoPath(ctx)}/pullrequests/${input.number}`;
    const pr = await api.get(base);
    const posted: MadeComment[] = [];
    for (const [i, c] of (input.comments ?? []).entries()) {
      try {
        posted.push(made(await api.send("POST", `${base}/comments`, { content: { raw: c.body }, inline: inlineFor(c.path, c.line, c.side) })));
      } catch (e) {
        if (!(e instanceof ToolFailure)) throw e;
        const done = posted.length ? `${posted.length} inline comment${posted.length === 1 ? " was" : "s were"} posted first (${posted.map((p) => p.id).join(", ")})` : "no inline comment was posted";
        throw new ToolFailure(e.code, `Bitbucket refused inline comment ${i + 1} (${c.path}:${c.line}): ${e.message} ${done}; the review's text and verdict were not submitted. Fix that comment and call submit_review again with it and those after it.`, {
          fieldErrors: e.fieldErrors ? { [`comments.${i}`]: Object.values(e.fieldErrors).flat() } : undefined,
          retryAfterSeconds: e.retryAfterSeconds,
        });
      }
    }
    const said = input.body ? made(await api.send("POST", `${base}/comments`, { content: { raw: input.body } })) : null;
    if (input.event === "APPROVE") await api.send("POST", `${base}/approve`);
    if (input.event === "REQUEST_CHANGES") await api.send("POST", `${base}/request-changes`);
    const state = input.event === "APPROVE" ? "APPROVED" : input.event === "REQUEST_CHANGES" ? "CHANGES_REQUESTED" : "COMMENTED";
    const how =
      input.event === "COMMENT"
        ? "Bitbucket has no reviews: the review's text and inline comments were posted as pull request comments."
        : `Bitbucket has no reviews: the verdict is the owner's ${input.event === "APPROVE" ? "approval" : "request for changes"} as a participant${input.body || posted.length ? ", and the text and inline comments were posted as pull request comments" : ""}.`;
    const url = said?.url ?? htmlOf(pr);
    return { url, data: { review: { id: said?.id ?? null, state, url, author: said?.author ?? null }, comments: posted, notes: [how] } };
  },
} satisfies Pick<ScmBackend, "list_reviews" | "submit_review">;
