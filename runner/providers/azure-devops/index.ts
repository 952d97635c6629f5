import type { RunnerProvider } from "../types";
import { azureDevopsClient } from "./client";
import { azureDevopsProbe } from "./probe";

/** Azure DevOps Services and Server on the runner: credentials and Save & Test (no agent tools). */
export const azureDevops = { client: azureDevopsClient, probe: azureDevopsProbe, agentTools: null } satisfies RunnerProvider;
