import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createAdminClient, type SandboxAdmin } from "./src/admin/client";
import type { SandboxUrls } from "./src/admin/dto";
import { startAdmin } from "./src/admin/http";
import { startAzure } from "./src/azure";
import { startBitbucket } from "./src/bitbucket";
import { stopChildren } from "./src/git/processes";
import { startGithub } from "./src/github";
import { startGitlab } from "./src/gitlab";
import type { Host } from "./src/http/server";
import { createGithubValidator } from "./src/openapi/validator";
import { SandboxStore } from "./src/store";
import { PROVIDERS } from "./src/types";

export type { SandboxAdmin } from "./src/admin/client";
export type { FaultDto, OAuthAppDto, RepoDto, SandboxUrls, TokenDto, UserDto } from "./src/admin/dto";
export { AdminError } from "./src/admin/operations";
export type {
  AddFaultInput,
  CreateRepoInput,
  CreateUserInput,
  IssuePatInput,
  RegisterOAuthAppInput,
  RequestsQuery,
  RevokeTokenInput,
} from "./src/admin/schemas";
export type { OpenApiViolation, Permission, ProviderId, RequestLogEntry, Revocation } from "./src/types";

/** Fixed ports per host; omitted or 0 = an ephemeral port. */
export interface SandboxPorts {
  github?: { web?: number; api?: number };
  gitlab?: { web?: number };
  bitbucket?: { web?: number; api?: number };
  azure?: { web?: number; vssps?: number; entra?: number };
  admin?: number;
}

export interface SandboxOptions {
  /** Address every host binds to. Default `127.0.0.1`. */
  listenHost?: string;
  ports?: SandboxPorts;
  /** Skip the consent page on every provider (API tests). Default false. */
  autoApprove?: boolean;
  /** Check GitHub responses against GitHub's OpenAPI description. Default true. */
  validateGithub?: boolean;
}

export interface Sandbox {
  urls: SandboxUrls;
  /** Base URL of the HTTP admin API (routes under `/admin/...`). */
  adminUrl: string;
  admin: SandboxAdmin;
  /** The temporary directory holding the bare repositories; removed by `close()`. */
  tempDir: string;
  /** Frees every port, child process and temporary directory. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts the provider sandbox: GitHub, GitLab, Bitbucket Cloud and Azure DevOps (with Entra ID),
 * each on its own loopback port(s), plus the admin API. Repositories live in a temporary
 * directory removed by `close()`.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const listenHost = options.listenHost ?? "127.0.0.1";
  const ports = options.ports ?? {};
  const root = await mkdtemp(path.join(os.tmpdir(), "scm-sandbox-"));
  const home = path.join(root, "home");
  const reposRoot = path.join(root, "repos");
  await Promise.all([mkdir(home), mkdir(reposRoot)]);
  const store = new SandboxStore();
  if (options.autoApprove) for (const provider of PROVIDERS) store.autoApprove.set(provider, true);
  const hosts: Host[] = [];
  let closed: Promise<void> | null = null;
  const close = () =>
    (closed ??= (async () => {
      await Promise.all(hosts.map((host) => host.close()));
      await stopChildren(home);
      await rm(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    })());

  try {
    const validator = options.validateGithub === false ? null : createGithubValidator();
    const github = await startGithub(store, { listenHost, home, reposRoot, validator, ports: ports.github });
    hosts.push(github.web, github.api);
    const gitlab = await startGitlab(store, { listenHost, home, port: ports.gitlab?.web });
    hosts.push(gitlab);
    const bitbucket = await startBitbucket(store, { listenHost, home, ports: ports.bitbucket });
    hosts.push(bitbucket.web, bitbucket.api);
    const azure = await startAzure(store, { listenHost, home, ports: ports.azure });
    hosts.push(azure.web, azure.vssps, azure.entra);
    const urls: SandboxUrls = {
      github: { web: github.web.url, api: github.api.url, enterpriseApi: `${github.web.url}/api/v3` },
      gitlab: { web: gitlab.url },
      bitbucket: { web: bitbucket.web.url, api: bitbucket.api.url },
      azure: { web: azure.web.url, vssps: azure.vssps.url, entra: azure.entra.url },
    };
    const context = { store, home, reposRoot, urls };
    const adminHost = await startAdmin(context, listenHost, ports.admin);
    hosts.push(adminHost);
    return { urls, adminUrl: adminHost.url, admin: createAdminClient(context), tempDir: root, close };
  } catch (error) {
    await close();
    throw error;
  }
}
