import type { Router } from "../http/router";
import type { SandboxStore } from "../store";
import type { Repo } from "../types";
import { accessLevel, badRequest, glBody, glMessage, iso, paginate, projectAccess, type GlEnv } from "./common";
import { gl } from "./projects";
import { basicUser } from "./serializers";
import { gitlabState, type GlLabel } from "./state";

/** The colour GitLab gives a label created without one. */
const DEFAULT_COLOR = "#6699cc";

function labelJson(env: GlEnv, repo: Repo, label: GlLabel): Record<string, unknown> {
  const open = (items: { repoId: number; state: string; labels: string[] }[]) => items.filter((i) => i.repoId === repo.id && i.state === "open" && i.labels.includes(label.name)).length;
  return {
    id: label.id,
    name: label.name,
    color: label.color,
    text_color: "#FFFFFF",
    description: label.description,
    description_html: label.description ?? "",
    open_issues_count: open(env.store.issues),
    closed_issues_count: env.store.issues.filter((i) => i.repoId === repo.id && i.state === "closed" && i.labels.includes(label.name)).length,
    open_merge_requests_count: open(env.store.pulls),
    subscribed: false,
    priority: null,
    is_project_label: true,
  };
}

/** Adds a project label unless one of that name (any case) exists; answers the label. */
export function ensureLabel(store: SandboxStore, repo: Repo, name: string, fields: { color?: string; description?: string | null } = {}): GlLabel {
  const labels = gitlabState(store).labels;
  const existing = labels.find((l) => l.repoId === repo.id && l.name.toLowerCase() === name.toLowerCase());
  if (existing) return existing;
  const label: GlLabel = { id: store.nextId(), repoId: repo.id, name, color: fields.color ?? DEFAULT_COLOR, description: fields.description ?? null };
  labels.push(label);
  return label;
}

/** GitLab creates the project labels an issue or merge request is given by name. */
export function rememberLabels(store: SandboxStore, repo: Repo, names: string[] | undefined): void {
  for (const name of names ?? []) ensureLabel(store, repo, name);
}

/**
 * Project labels (https://docs.gitlab.com/api/labels/) and the members who can be assigned
 * (https://docs.gitlab.com/api/members/#list-all-members-of-a-group-or-project-including-inherited-and-invited-members).
 */
export function registerLabelAndMemberRoutes(router: Router, env: GlEnv): void {
  const A = "/api/v4/projects/:id";

  router.on(
    "GET",
    `${A}/labels`,
    gl(env, (ctx, auth) => {
      const access = projectAccess(ctx, env, auth, "read");
      if (!access) return;
      const search = ctx.query.get("search")?.toLowerCase();
      const labels = gitlabState(env.store)
        .labels.filter((l) => l.repoId === access.repo.id && (!search || l.name.toLowerCase().includes(search)))
        .sort((a, b) => a.name.localeCompare(b.name));
      ctx.json(200, paginate(ctx, labels).map((l) => labelJson(env, access.repo, l)));
    }),
  );

  // Creating labels takes a Reporter (`admin_label`).
  router.on(
    "POST",
    `${A}/labels`,
    gl(env, async (ctx, auth) => {
      const access = projectAccess(ctx, env, auth, "read", { writeScope: true });
      if (!access) return;
      const body = await glBody(ctx);
      const missing = ["name", "color"].filter((k) => typeof body[k] !== "string" || body[k] === "");
      if (missing.length > 0) return badRequest(ctx, missing.map((k) => `${k} is missing`).join(", "));
      const name = body.name as string;
      if (gitlabState(env.store).labels.some((l) => l.repoId === access.repo.id && l.name.toLowerCase() === name.toLowerCase())) return glMessage(ctx, 409, "Label already exists");
      const label = ensureLabel(env.store, access.repo, name, { color: body.color as string, description: typeof body.description === "string" ? body.description : null });
      ctx.json(201, labelJson(env, access.repo, label));
    }),
  );

  router.on(
    "GET",
    `${A}/members/all`,
    gl(env, (ctx, auth) => {
      const access = projectAccess(ctx, env, auth, "read");
      if (!access) return;
      const { repo } = access;
      const query = ctx.query.get("query")?.toLowerCase();
      const members = [...env.store.users.values()]
        .filter((u) => u.provider === "gitlab" && accessLevel(repo, u) > 0)
        .filter((u) => !query || u.login.toLowerCase().includes(query) || u.name.toLowerCase().includes(query))
        .sort((a, b) => a.id - b.id);
      ctx.json(
        200,
        paginate(ctx, members).map((u) => ({ ...basicUser(env, u), access_level: accessLevel(repo, u), created_at: iso(repo.createdAt), expires_at: null, membership_state: "active" })),
      );
    }),
  );
}
