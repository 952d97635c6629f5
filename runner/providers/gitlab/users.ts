import { ToolFailure } from "../../agent-tools/tool-error";
import type { gitlabClient } from "./gitlab-client";

type Api = ReturnType<typeof gitlabClient>;

/**
 * GitLab assigns and asks for reviews by user id; the tools take user names, as people and models
 * know them. An unknown name is refused before anything is changed, naming the field it came in.
 */
export async function userIds(api: Api, logins: string[] | undefined, field: "assignees" | "reviewers"): Promise<number[] | undefined> {
  if (!logins) return undefined;
  const ids: number[] = [];
  for (const username of logins) {
    const [user] = (await api.Users.all({ username, perPage: 1, maxPages: 1 })) as { id: number }[];
    if (!user) {
      throw new ToolFailure("validation_failed", `There is no GitLab user named "${username}". Nothing was changed; list_assignable_users lists the names that can be used.`, {
        fieldErrors: { [field]: [`Unknown user "${username}".`] },
      });
    }
    ids.push(user.id);
  }
  return ids;
}
