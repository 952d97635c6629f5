import type { RunnerProvider } from "../types";
import { bitbucketClient } from "./client";
import { bitbucketProbe } from "./probe";

/** Bitbucket Cloud on the runner: credentials and Save & Test (no agent tools). */
export const bitbucket = { client: bitbucketClient, probe: bitbucketProbe, agentTools: null } satisfies RunnerProvider;
