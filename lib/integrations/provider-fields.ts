import type { ProviderId } from "../providers/types";

/** Whether a field is asked for: never, optionally, or always. */
export type FieldRule = "none" | "optional" | "required";

/**
 * What the integration form asks per provider beyond the host: how each deployment is called and
 * which location fields it needs. `selfHostedLabel: null` means the provider has no self-hosted
 * edition (Bitbucket Cloud); a loopback stand-in is then only accepted where loopback hosts are
 * allowed (development and tests).
 */
export type ProviderFieldSpec = {
  cloudLabel: string;
  selfHostedLabel: string | null;
  issuerUrl: { cloud: FieldRule; self_hosted: FieldRule };
  virtualDirectory: { cloud: FieldRule; self_hosted: FieldRule };
};

const none = { cloud: "none", self_hosted: "none" } as const;

export const providerFields = {
  github: { cloudLabel: "GitHub.com", selfHostedLabel: "GitHub Enterprise Server", issuerUrl: none, virtualDirectory: none },
  gitlab: { cloudLabel: "GitLab.com", selfHostedLabel: "GitLab self-managed", issuerUrl: none, virtualDirectory: none },
  bitbucket: { cloudLabel: "Bitbucket Cloud (bitbucket.org)", selfHostedLabel: null, issuerUrl: none, virtualDirectory: none },
  azure_devops: {
    cloudLabel: "Azure DevOps Services (dev.azure.com)",
    selfHostedLabel: "Azure DevOps Server",
    // Services sign in through Microsoft Entra ID, whose tenant the admin names; a Server may use it too.
    issuerUrl: { cloud: "required", self_hosted: "optional" },
    virtualDirectory: { cloud: "none", self_hosted: "optional" },
  },
} as const satisfies Record<ProviderId, ProviderFieldSpec>;

/** The label of the self-hosted option for a provider without a self-hosted edition. */
export const LOOPBACK_STAND_IN_LABEL = "Local stand-in (development and tests only)";

/**
 * Whether the integration form offers {@link LOOPBACK_STAND_IN_LABEL}: only on a plane started
 * with `SCM_ALLOW_LOOPBACK_HOSTS` explicitly on (the provider sandbox, the offline demo, tests),
 * which a real install never sets. The non-production default that accepts loopback hosts without
 * the variable is not enough: an admin of a real install must not be offered a test fixture.
 */
export function offersLoopbackStandIn(env: { allowLoopbackHosts: boolean; SCM_ALLOW_LOOPBACK_HOSTS?: string }): boolean {
  return env.allowLoopbackHosts && (env.SCM_ALLOW_LOOPBACK_HOSTS === "1" || env.SCM_ALLOW_LOOPBACK_HOSTS === "true");
}
