import type { ProviderId } from "@/lib/providers";
import { azureDevopsProbe } from "./azure-devops";
import { bitbucketProbe } from "./bitbucket";
import { githubProbe } from "./github";
import { gitlabProbe } from "./gitlab";
import type { ProviderProbe } from "./types";

/** Save & Test's probes, one per provider. */
export const providerProbes = {
  github: githubProbe,
  gitlab: gitlabProbe,
  bitbucket: bitbucketProbe,
  azure_devops: azureDevopsProbe,
} satisfies Record<ProviderId, ProviderProbe>;
