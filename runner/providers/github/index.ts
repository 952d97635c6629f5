import type { RunnerProvider } from "../types";
import { githubBackend } from "./backend";
import { githubClient } from "./client";
import { githubProbe } from "./probe";

/** GitHub and GitHub Enterprise Server on the runner: credentials, Save & Test, agent tools. */
export const github = { client: githubClient, probe: githubProbe, agentTools: githubBackend } satisfies RunnerProvider;
