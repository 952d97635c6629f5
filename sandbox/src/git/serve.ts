import path from "node:path";
import type { Ctx } from "../http/server";
import type { SandboxStore } from "../store";
import type { Repo } from "../types";
import { serveGitHttp } from "./http-backend";

export interface GitHostEnv {
  store: SandboxStore;
  home: string;
}

/** Runs `git http-backend` for an authorized request; a successful push updates `pushedAt`. */
export async function serveRepo(ctx: Ctx, env: GitHostEnv, repo: Repo, rest: string, remoteUser: string): Promise<void> {
  await serveGitHttp(ctx, {
    projectRoot: path.dirname(repo.diskPath),
    repoDir: path.basename(repo.diskPath),
    rest,
    remoteUser,
    home: env.home,
    onComplete: (status) => {
      if (rest === "git-receive-pack" && status === 200) repo.pushedAt = Date.now();
    },
  });
}

/** 401 with a Basic challenge: git then asks for credentials (askpass or its credential store). */
export function gitUnauthorized(ctx: Ctx, realm: string, message: string): void {
  ctx.text(401, message.endsWith("\n") ? message : `${message}\n`, { "WWW-Authenticate": `Basic realm="${realm}"` });
}

/** A plain-text refusal, as git hosts answer a token that may not read (404) or write (403). */
export function gitDenied(ctx: Ctx, status: 403 | 404, message: string): void {
  ctx.text(status, message.endsWith("\n") ? message : `${message}\n`);
}

/** The database path of a new repository's bare directory under the sandbox's temp root. */
export function repoDiskPath(reposRoot: string, provider: string, id: number): string {
  return path.join(reposRoot, provider, `${id}.git`);
}
