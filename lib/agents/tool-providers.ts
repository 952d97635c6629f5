import { getProvider, providerIds } from "../providers";

/**
 * Which providers serve agent SCM tools and which do not, by name, from the provider registry
 * (`capabilities.agentTools`), so the Agents page's words follow the registry as providers gain them.
 */
export function agentToolProviders(): { supported: string[]; unsupported: string[] } {
  const supported: string[] = [];
  const unsupported: string[] = [];
  for (const id of providerIds) (getProvider(id).capabilities.agentTools ? supported : unsupported).push(getProvider(id).name);
  return { supported, unsupported };
}
