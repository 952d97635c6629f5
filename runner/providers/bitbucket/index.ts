import type { RunnerProvider } from "../types";
import { bitbucketBackend } from "./backend";
import { bitbucketClient } from "./client";
import { bitbucketProbe } from "./probe";

/** Bitbucket Cloud on the runner: credentials, Save & Test, agent tools. */
export const bitbucket = { client: bitbucketClient, probe: bitbucketProbe, agentTools: bitbucketBackend } satisfies RunnerProvider;
