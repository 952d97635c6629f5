import type { ScmBackend } from "../../agent-tools/backend";
import { checkTools } from "./checks";
import { issueTools } from "./issues";
import { mergeRequestTools } from "./merge-requests";
import { itemMissing, repositoryTools } from "./repository";
import { reviewTools } from "./reviews";
import { gitlabToolNotes } from "./tool-notes";

/**
 * GitLab (gitlab.com and self-managed) through `@gitbeaker/rest`: merge requests, issues, notes,
 * diff discussions, draft-note reviews and approvals, pipelines and commit statuses, labels and
 * members. Each group of tools lives in its own file.
 */
export const gitlabBackend: ScmBackend = {
  ...mergeRequestTools,
  ...issueTools,
  ...reviewTools,
  ...checkTools,
  ...repositoryTools,
  itemMissing,
  toolNotes: gitlabToolNotes,
};
