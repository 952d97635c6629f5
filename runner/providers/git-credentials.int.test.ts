import { execFile } from "node:child_process";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProviderId } from "@/lib/providers";
import { startSandbox, type Sandbox } from "@/sandbox";
import { providerClients } from "./index";
import { authorizeCode, AZURE_ORG, CALLBACK, noDeadline, sandboxEndpoints } from "./test-support/sandbox";
import type { GitCredentials } from "./types";

const run = promisify(execFile);
let sandbox: Sandbox;
let dir: string;
const cloneUrls = {} as Record<ProviderId, string>;
const SANDBOX_ID: Record<ProviderId, "github" | "gitlab" | "bitbucket" | "azure-devops"> = { github: "github", gitlab: "gitlab", bitbucket: "bitbucket", azure_devops: "azure-devops" };
const REPO: Record<ProviderId, string> = { github: "dev/app", gitlab: "dev/app", bitbucket: "dev/app", azure_devops: `${AZURE_ORG}/proj/app` };

beforeAll(async () => {
  sandbox = await startSandbox({ autoApprove: true, validateGithub: false });
  dir = await mkdtemp(path.join(os.tmpdir(), "provider-git-"));
  // git reads the credentials from the environment through this script: never argv, never the URL.
  await writeFile(path.join(dir, "askpass.sh"), '#!/bin/sh\ncase "$1" in\n  Username*) printf "%s\\n" "$T_USER" ;;\n  *) printf "%s\\n" "$T_PASS" ;;\nesac\n');
  await chmod(path.join(dir, "askpass.sh"), 0o700);
  for (const id of Object.keys(SANDBOX_ID) as ProviderId[]) {
    await sandbox.admin.createUser({ provider: SANDBOX_ID[id], login: "dev", organizations: id === "azure_devops" ? [AZURE_ORG] : undefined });
    cloneUrls[id] = (await sandbox.admin.createRepo({ provider: SANDBOX_ID[id], path: REPO[id], collaborators: id === "azure_devops" ? [{ login: "dev", permission: "write" }] : [] })).cloneUrl;
  }
});

afterAll(async () => {
  await sandbox?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function lsRemote(url: string, credentials: GitCredentials): Promise<string> {
  const env: NodeJS.ProcessEnv = { NODE_ENV: "test", PATH: process.env.PATH ?? "", HOME: dir, GIT_ASKPASS: path.join(dir, "askpass.sh"), GIT_TERMINAL_PROMPT: "0", GIT_CONFIG_NOSYSTEM: "1", T_USER: credentials.username, T_PASS: credentials.password };
  const { stdout } = await run("git", ["ls-remote", url, "HEAD"], { env, timeout: 15_000 });
  return stdout;
}

describe("git credentials from gitCredentials() are accepted by each provider's git host", () => {
  it.each(Object.keys(SANDBOX_ID) as ProviderId[])("%s: a validated PAT", async (id) => {
    const client = providerClients[id];
    const pat = await sandbox.admin.issuePat({ provider: SANDBOX_ID[id], login: "dev", organizations: id === "azure_devops" ? [AZURE_ORG] : undefined });
    const identity = await client.validatePat({ endpoints: sandboxEndpoints(sandbox, id), token: pat.value, username: pat.email, requiredScopes: [], signal: noDeadline() });
    expect(await lsRemote(cloneUrls[id], client.gitCredentials("pat", identity.login, pat.value))).toMatch(/^[0-9a-f]{40}\tHEAD/);
  });

  it.each(["gitlab", "bitbucket"] as const)("%s: an OAuth token", async (id) => {
    const client = providerClients[id];
    const endpoints = sandboxEndpoints(sandbox, id);
    const app = await sandbox.admin.registerOAuthApp({ provider: SANDBOX_ID[id], callbackUrls: [CALLBACK] });
    const { code, verifier } = await authorizeCode(endpoints, { client_id: app.clientId, scope: "api read_user" });
    const tokens = await client.exchangeCode({ endpoints, clientId: app.clientId, clientSecret: app.clientSecret, code, verifier, redirectUri: CALLBACK, signal: noDeadline() });
    const identity = await client.identify({ endpoints, token: tokens.accessToken, source: "oauth", signal: noDeadline() });
    expect(await lsRemote(cloneUrls[id], client.gitCredentials("oauth", identity.login, tokens.accessToken))).toMatch(/\tHEAD/);
  });
});
