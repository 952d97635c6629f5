import type { ProviderId } from "../providers/types";

/** How a repository's path looks on each provider, for an example URL. */
const examplePath: Record<ProviderId, string> = {
  github: "acme/app",
  gitlab: "group/project",
  bitbucket: "workspace/repository",
  azure_devops: "organization/project/_git/repository",
};

/**
 * An example clone URL for the repository field, on a host this person is offered (the first one),
 * in that provider's path shape; a neutral example when none is offered. Never a host the person
 * cannot use (a placeholder suggesting github.com where only GitLab is offered misleads).
 */
export function repoUrlExample(hosts: ReadonlyArray<{ baseUrl: string; provider: ProviderId }>): string {
  const first = hosts[0];
  if (!first) return "https://git.example.com/owner/repository";
  return `${first.baseUrl.replace(/\/+$/, "")}/${examplePath[first.provider]}`;
}
