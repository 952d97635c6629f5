import { z } from "zod";
import { repoSettings } from "../bitbucket/state";
import { AdminError, type AdminContext } from "./operations";

/** Bitbucket repository settings the REST API cannot seed: the issue tracker's components (and the tracker itself). */
export const bitbucketRepoSettingsSchema = z.strictObject({
  path: z.string().min(3).max(300),
  issueTracker: z.boolean().optional(),
  components: z.array(z.string().min(1).max(100)).max(50).optional(),
});
export type BitbucketRepoSettingsInput = z.input<typeof bitbucketRepoSettingsSchema>;
export type BitbucketRepoSettingsDto = { path: string; issueTracker: boolean; components: string[] };

/** Switches a Bitbucket repository's issue tracker on or off and sets its components (which Bitbucket manages only in its web UI). */
export function configureBitbucketRepo(ctx: AdminContext, input: z.output<typeof bitbucketRepoSettingsSchema>): BitbucketRepoSettingsDto {
  const repo = ctx.store.repoByPath("bitbucket", input.path);
  if (!repo) throw new AdminError(404, "repo_not_found", `no bitbucket repository '${input.path}'`, [{ path: "path", message: "unknown repository" }]);
  const settings = repoSettings(ctx.store, repo.id);
  if (input.issueTracker !== undefined) settings.hasIssues = input.issueTracker;
  if (input.components !== undefined) settings.components = [...new Set(input.components)];
  return { path: repo.path, issueTracker: settings.hasIssues, components: [...settings.components] };
}
