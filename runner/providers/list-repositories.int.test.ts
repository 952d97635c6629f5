import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "@/sandbox";
import { azureDevopsClient } from "./azure-devops/client";
import { bitbucketClient } from "./bitbucket/client";
import { githubClient } from "./github/client";
import { gitlabClient } from "./gitlab/client";
import { AZURE_ORG, closedPortUrl, expectProviderError, movedTo, noDeadline, sandboxEndpoints } from "./test-support/sandbox";

/** Each provider's listing against the sandbox: only what the token's user can see, searched, bounded. */
let sandbox: Sandbox;
const ME = "picker-me";
const OTHER = "picker-other";
const EMAIL = "picker-me@example.com";

beforeAll(async () => {
  sandbox = await startSandbox({ autoApprove: true });
  for (const provider of ["github", "gitlab", "bitbucket"] as const) {
    await sandbox.admin.createUser({ provider, login: ME, email: EMAIL });
    await sandbox.admin.createUser({ provider, login: OTHER });
  }
  await sandbox.admin.createUser({ provider: "azure-devops", login: ME, organizations: [AZURE_ORG] });
  await sandbox.admin.createUser({ provider: "azure-devops", login: OTHER, organizations: [AZURE_ORG] });
  for (const provider of ["github", "gitlab", "bitbucket"] as const) {
    await sandbox.admin.createRepo({ provider, path: `${ME}/web-app`, defaultBranch: "trunk" });
    await sandbox.admin.createRepo({ provider, path: `acme/api-server`, collaborators: [{ login: ME, permission: "read" }] });
    await sandbox.admin.createRepo({ provider, path: `${OTHER}/secret-plans` });
  }
  await sandbox.admin.createRepo({ provider: "azure-devops", path: `${AZURE_ORG}/shop/web-app`, collaborators: [{ login: ME, permission: "write" }], defaultBranch: "trunk" });
  await sandbox.admin.createRepo({ provider: "azure-devops", path: `${AZURE_ORG}/shop/api-server`, collaborators: [{ login: ME, permission: "read" }] });
  await sandbox.admin.createRepo({ provider: "azure-devops", path: `${AZURE_ORG}/vault/secret-plans`, collaborators: [{ login: OTHER, permission: "write" }] });
});

afterEach(async () => {
  await sandbox.admin.clearFaults();
});

afterAll(async () => {
  await sandbox?.close();
});

const cases = [
  { provider: "github", client: githubClient, sandboxProvider: "github", account: {} },
  { provider: "gitlab", client: gitlabClient, sandboxProvider: "gitlab", account: {} },
  { provider: "bitbucket", client: bitbucketClient, sandboxProvider: "bitbucket", account: { username: EMAIL } },
  { provider: "azure_devops", client: azureDevopsClient, sandboxProvider: "azure-devops", account: { organization: AZURE_ORG } },
] as const;

describe.each(cases)("$provider listRepositories", ({ provider, client, sandboxProvider, account }) => {
  const owner = provider === "azure_devops" ? "shop" : ME;
  const shared = provider === "azure_devops" ? "shop/api-server" : "acme/api-server";

  async function list(extra: { search?: string | null; limit?: number; token?: string } = {}) {
    const token = extra.token ?? (await sandbox.admin.issuePat({ provider: sandboxProvider, login: ME, ...(provider === "azure_devops" ? { organizations: [AZURE_ORG] } : {}) })).value;
    const endpoints = sandboxEndpoints(sandbox, provider);
    return client.listRepositories({ endpoints, token, source: "pat", ...account, search: extra.search ?? null, limit: extra.limit ?? 50, signal: noDeadline() });
  }

  it("lists the repositories the user owns or was added to, never another user's", async () => {
    const { repositories, truncated } = await list();
    const names = repositories.map((r) => r.fullName).sort();
    expect(names).toEqual([shared, `${owner}/web-app`].sort());
    expect(truncated).toBe(false);
    const mine = repositories.find((r) => r.fullName === `${owner}/web-app`)!;
    expect(mine.private).toBe(true);
    expect(mine.defaultBranch).toBe("trunk");
    const clone = new URL(mine.cloneUrl);
    expect(clone.username).toBe("");
    expect(clone.protocol).toMatch(/^https?:$/);
    expect(mine.webUrl).toMatch(/web-app$/);
  });

  it("narrows by name and says when more matched than the limit", async () => {
    expect((await list({ search: "API" })).repositories.map((r) => r.fullName)).toEqual([shared]);
    expect((await list({ search: "nothing-like-this" })).repositories).toEqual([]);
    const limited = await list({ limit: 1 });
    expect(limited.repositories).toHaveLength(1);
    expect(limited.truncated).toBe(true);
  });

  it("maps a token the provider refuses and an unreachable host to catalogue codes", async () => {
    const endpoints = sandboxEndpoints(sandbox, provider);
    const base = { ...account, search: null, limit: 10, signal: noDeadline() };
    await expectProviderError(client.listRepositories({ ...base, endpoints, token: "not-a-real-token-123", source: "oauth" }), "credential_needs_reauth", ["not-a-real-token-123"]);
    const gone = movedTo(endpoints, await closedPortUrl());
    await expectProviderError(client.listRepositories({ ...base, endpoints: gone, token: "tok-abc-123", source: "pat", timeoutMs: 2000 }), "host_unreachable");
  });
});
