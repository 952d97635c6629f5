import type { Router } from "../http/router";
import { azError, azRoute, identityRef, projectAccess, projectMembers, topSkip, type ProjectAccess } from "./access";
import { stableGuid, type AzEnv } from "./common";

/**
 * A project and its default team (learn.microsoft.com/rest/api/azure/devops/core/projects/get,
 * .../core/teams/get-team-members-with-extended-properties): the team is "{project} Team" and its
 * members are the people with access to the project's repositories.
 */

function teamJson(env: AzEnv, access: ProjectAccess): Record<string, unknown> {
  const id = stableGuid(`team:${access.org}/${access.project}`.toLowerCase());
  return {
    id,
    name: `${access.project} Team`,
    url: `${env.webUrl()}/${access.org}/_apis/projects/${access.projectId}/teams/${id}`,
    description: "The default project team.",
    identityUrl: `${env.vsspsUrl()}/_apis/Identities/${id}`,
    projectName: access.project,
    projectId: access.projectId,
  };
}

export function registerAzureTeamRoutes(router: Router, env: AzEnv): void {
  router.on(
    "GET",
    "/:org/_apis/projects/:project",
    azRoute(env, (ctx, auth) => {
      const access = projectAccess(env, ctx, auth);
      const team = teamJson(env, access);
      ctx.json(200, {
        id: access.projectId,
        name: access.project,
        url: `${env.webUrl()}/${access.org}/_apis/projects/${access.projectId}`,
        state: "wellFormed",
        revision: 11,
        visibility: access.repos.every((r) => r.private) ? "private" : "public",
        _links: { web: { href: `${env.webUrl()}/${access.org}/${encodeURIComponent(access.project)}` } },
        defaultTeam: { id: team.id, name: team.name, url: team.url },
      });
    }),
  );

  router.on(
    "GET",
    "/:org/_apis/projects/:project/teams",
    azRoute(env, (ctx, auth) => {
      const value = [teamJson(env, projectAccess(env, ctx, auth))];
      ctx.json(200, { value, count: value.length });
    }),
  );

  router.on(
    "GET",
    "/:org/_apis/projects/:project/teams/:team/members",
    azRoute(env, (ctx, auth) => {
      const access = projectAccess(env, ctx, auth);
      const team = teamJson(env, access);
      const wanted = (ctx.params.team ?? "").toLowerCase();
      if (wanted !== String(team.id) && wanted !== String(team.name).toLowerCase()) {
        throw azError(404, `The team with id '${ctx.params.team ?? ""}' does not exist.`, "TeamNotFoundException");
      }
      const { top, skip } = topSkip(ctx, 100);
      const value = projectMembers(env, access)
        .slice(skip, skip + top)
        .map((user) => ({ isTeamAdmin: access.repos.some((r) => r.owner.toLowerCase() === user.login.toLowerCase()), identity: identityRef(env, access.org, user) }));
      ctx.json(200, { value, count: value.length });
    }),
  );
}
