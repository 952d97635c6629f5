/** Save & Test's probes, one per provider, from the runner's provider registry. */
export { providerProbes } from "../providers";
