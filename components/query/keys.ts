/**
 * Every query key of the live parts, in one place. Keys are hierarchical: invalidating a prefix
 * (`queryKeys.environments.detail(id)`) refetches everything below it.
 */
export const queryKeys = {
  jobs: {
    all: ["jobs"] as const,
    /** A runner job as an admin follows it (Save & Test): `/api/jobs/{id}`. */
    detail: (jobId: string) => ["jobs", jobId] as const,
    /** One of the person's own jobs (OAuth exchange, clone): `/api/git-auth/jobs/{id}`. */
    own: (jobId: string) => ["jobs", jobId, "own"] as const,
  },
  runners: {
    all: ["runners"] as const,
    /** One runner's online state: `/api/runners/status?ids={id}`. */
    status: (runnerId: string) => ["runners", runnerId, "status"] as const,
    /** The online state of the runners a page of the list shows, in one request. */
    shownStatus: (runnerIds: readonly string[]) => ["runners", "shown", runnerIds.join(","), "status"] as const,
  },
  environments: {
    all: ["environments"] as const,
    detail: (environmentId: string) => ["environments", environmentId] as const,
    /** The environment while it is in `from` (being created or deleted), until it leaves that state. */
    leaving: (environmentId: string, from: string) => ["environments", environmentId, "leaving", from] as const,
  },
  accessChecks: {
    detail: (checkId: string) => ["access-checks", checkId] as const,
  },
} as const;
