import type { RunnerProvider } from "../types";
import { gitlabBackend } from "./backend";
import { gitlabClient } from "./client";
import { gitlabProbe } from "./probe";

/** GitLab.com and self-managed GitLab on the runner: credentials, Save & Test, agent tools. */
export const gitlab = { client: gitlabClient, probe: gitlabProbe, agentTools: gitlabBackend } satisfies RunnerProvider;
