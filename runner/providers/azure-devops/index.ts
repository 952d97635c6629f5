import type { RunnerProvider } from "../types";
import { azureDevopsBackend } from "./backend";
import { azureDevopsClient } from "./client";
import { azureDevopsProbe } from "./probe";

/** Azure DevOps Services and Server on the runner: credentials, Save & Test, agent tools. */
export const azureDevops = { client: azureDevopsClient, probe: azureDevopsProbe, agentTools: azureDevopsBackend } satisfies RunnerProvider;
