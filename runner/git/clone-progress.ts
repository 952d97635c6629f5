import type { ErrorCode } from "@/lib/errors/catalogue";

/** A clone stage as the environments page shows it: `receiving_objects: 45%`. */
export type CloneStage = { stage: string; percent: number | null };

const PHASES: Array<[RegExp, string]> = [
  [/(?:Enumerating|Counting) objects:\s+(\d+)%/g, "counting_objects"],
  [/Compressing objects:\s+(\d+)%/g, "compressing_objects"],
  [/Receiving objects:\s+(\d+)%/g, "receiving_objects"],
  [/Resolving deltas:\s+(\d+)%/g, "resolving_deltas"],
  [/(?:Updating files|Checking out files):\s+(\d+)%/g, "checking_out"],
];

/**
 * Reads `git clone --progress` output (updates separated by carriage returns, server phases
 * prefixed `remote: `) and returns the latest stage in it, or null when the chunk has none.
 */
export function latestCloneStage(chunk: string): CloneStage | null {
  let latest: { at: number; stage: CloneStage } | null = null;
  for (const [pattern, stage] of PHASES) {
    for (const match of chunk.matchAll(pattern)) {
      if (!latest || match.index >= latest.at) latest = { at: match.index, stage: { stage, percent: Number(match[1]) } };
    }
  }
  return latest?.stage ?? null;
}

/** The wire form of a stage (at most 64 characters). */
export function formatStage(stage: CloneStage): string {
  return stage.percent === null ? stage.stage : `${stage.stage}: ${stage.percent}%`;
}

/** Why git failed, in catalogue terms. */
export type GitFailure = { code: ErrorCode; retryable: boolean; message: string };

const RULES: Array<{ test: RegExp; failure: (m: RegExpExecArray) => GitFailure }> = [
  {
    test: /Remote branch (\S+) not found/,
    failure: (m) => ({ code: "repository_not_found", retryable: false, message: `The repository has no branch ${m[1]}.` }),
  },
  {
    test: /repository '[^']*' not found|Repository not found|returned error: 404|does not appear to be a git repository/i,
    failure: () => ({ code: "repository_not_found", retryable: false, message: "The provider says the repository does not exist, or the owner's account cannot read it." }),
  },
  {
    test: /scm runner: |told us to quit/,
    failure: () => ({ code: "credential_needs_reauth", retryable: false, message: "The runner could not give git the owner's credential for this host." }),
  },
  {
    test: /Authentication failed|returned error: 401|could not read (Username|Password)|terminal prompts disabled/i,
    failure: () => ({ code: "credential_needs_reauth", retryable: false, message: "The provider refused the owner's credential: it was revoked or has expired." }),
  },
  {
    test: /returned error: 403/,
    failure: () => ({ code: "repository_permission_denied", retryable: false, message: "The provider refused access: the owner's account or token lacks permission on this repository." }),
  },
  {
    test: /Could not resolve host|Failed to connect|Couldn't connect|Connection refused|Connection reset|timed out|SSL|TLS|Empty reply|Recv failure|the remote end hung up|early EOF|RPC failed/i,
    failure: () => ({ code: "host_unreachable", retryable: true, message: "The runner lost or could not make the connection to the provider host during the clone." }),
  },
  {
    test: /returned error: 5\d\d/,
    failure: () => ({ code: "provider_error", retryable: true, message: "The provider answered the clone with a server error." }),
  },
];

/** Classifies git's stderr after a failed clone, fetch or push. */
export function classifyGitFailure(stderr: string): GitFailure {
  for (const rule of RULES) {
    const m = rule.test.exec(stderr);
    if (m) return rule.failure(m);
  }
  return { code: "provider_error", retryable: false, message: "git could not clone the repository (details in the runner's log)." };
}
