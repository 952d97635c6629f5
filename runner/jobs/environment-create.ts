import crypto from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { environmentCreatePayloadSchema, type EnvironmentCreatePayload } from "@/lib/git-auth/job-payloads";
import { log } from "@/runner/log";
import type { OpenedCredential } from "../credentials/open-credential";
import { classifyGitFailure, formatStage, latestCloneStage } from "../git/clone-progress";
import type { PreparedEnvironment } from "../environments/environment-host";
import { environmentDir, environmentsDir } from "../git/environment-record";
import { makeEnvironmentDirectory, type EnvironmentProcessContext } from "../isolation/environment-process";
import { pinnedRemoteArgs } from "../git/pinned-remote";
import { credentialConfigArgs, runGit } from "../git/run-git";
import { parsePayload, typedFailures } from "./job-support";
import { JobFailure, type JobContext, type JobHandler } from "./types";

/** Clone progress goes to the plane at most this often (stage changes always go at once). */
const PROGRESS_EVERY_MS = 500;

/** The clone URL, only on the integration's own origin and without credentials in it. */
function cloneUrl(payload: EnvironmentCreatePayload): string {
  let url: URL;
  try {
    url = new URL(payload.repoUrl);
  } catch {
    throw new JobFailure("repo_url_invalid", "The repository URL is not a URL.");
  }
  if (url.username || url.password || url.origin !== new URL(payload.integration.baseUrl).origin) {
    throw new JobFailure("repo_url_invalid", `The repository URL must be on ${payload.integration.host}, without credentials.`);
  }
  return url.toString();
}

/** `{ branch, headSha }` of a finished clone (an empty repository has no commit yet). */
async function describeClone(dir: string, as: EnvironmentProcessContext, signal: AbortSignal): Promise<{ branch: string; headSha: string }> {
  const branch = await runGit(["symbolic-ref", "--short", "-q", "HEAD"], { cwd: dir, signal, as });
  const head = await runGit(["rev-parse", "-q", "--verify", "HEAD"], { cwd: dir, signal, as });
  return { branch: branch.code === 0 ? branch.stdout.trim() : "HEAD", headSha: head.code === 0 ? head.stdout.trim() : "" };
}

/** Whether `dir` is this environment's finished clone (a previous attempt got that far before its result was lost). */
async function isFinishedClone(dir: string, as: EnvironmentProcessContext, signal: AbortSignal): Promise<boolean> {
  try {
    await fs.access(path.join(dir, ".git"));
  } catch {
    return false;
  }
  const id = await runGit(["config", "--local", "--get", "scm.environmentId"], { cwd: dir, signal, as });
  return id.code === 0 && id.stdout.trim() === as.environmentId;
}

/** Removes what earlier, interrupted attempts left: half-made clones, or a directory that is not this environment's clone. */
async function clearLeftovers(dataDir: string, environmentId: string): Promise<void> {
  const parent = environmentsDir(dataDir);
  const names = await fs.readdir(parent).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => n.startsWith(`${environmentId}.partial-`)).map((n) => fs.rm(path.join(parent, n), { recursive: true, force: true })));
  await fs.rm(environmentDir(dataDir, environmentId), { recursive: true, force: true });
}

/**
 * Clones, as the environment's identity, into a fresh directory beside the final one (made by the
 * runner and handed to the identity: the environments directory is the runner's alone), reporting
 * git's progress as stages.
 */
async function clone(ctx: JobContext, payload: EnvironmentCreatePayload, url: string, credential: OpenedCredential, prepared: PreparedEnvironment): Promise<string> {
  // Resolved and checked before anything is made; git then connects to that address only.
  const pinned = await pinnedRemoteArgs(url, payload.integration.allowPrivateHosts);
  const target = `${environmentDir(ctx.dataDir, payload.environmentId)}.partial-${crypto.randomBytes(4).toString("hex")}`;
  await makeEnvironmentDirectory(target, prepared.context.identity);
  let sentStage = "";
  let sentAt = 0;
  const onStderr = (text: string) => {
    const stage = latestCloneStage(text);
    if (!stage) return;
    const wire = formatStage(stage);
    const now = Date.now();
    const samePhase = sentStage === stage.stage || sentStage.startsWith(`${stage.stage}:`);
    if (wire === sentStage || (samePhase && now - sentAt < PROGRESS_EVERY_MS)) return;
    sentStage = wire;
    sentAt = now;
    void ctx.progress(wire);
  };
  // The job has no deadline (a clone takes what it takes) and its heartbeat keeps the lease, so a
  // transfer that stalls must end by itself: git gives up below 1 kB/s for a minute.
  const stallLimit = ["-c", "http.lowSpeedLimit=1000", "-c", "http.lowSpeedTime=60"];
  const args = [...pinned, ...stallLimit, "clone", "--progress", ...credentialConfigArgs({ helperScript: prepared.helperScript, socketPath: prepared.socketPath, environmentId: payload.environmentId })];
  if (payload.branch) args.push("--branch", payload.branch);
  args.push("--", url, target);
  try {
    const result = await runGit(args, { cwd: environmentsDir(ctx.dataDir), signal: ctx.signal, onStderr, as: prepared.context });
    if (result.code === 0) return target;
    const failure = classifyGitFailure(result.stderrTail);
    // git's messages name the URL and the provider's refusal, never a token (none is in any URL).
    log.warn("environment.clone_failed", { jobId: ctx.jobId, environmentId: payload.environmentId, errorCode: failure.code, git: result.stderrTail.slice(-600) });
    // The provider refused the token itself: the connection needs re-authentication, and says so.
    if (failure.code === "credential_needs_reauth") await ctx.credentials.refused(credential, "revoked");
    throw new JobFailure(failure.code, failure.message, { retryable: failure.retryable });
  } catch (e) {
    await fs.rm(target, { recursive: true, force: true });
    if ((e as NodeJS.ErrnoException).code === "ENOENT" && (e as NodeJS.ErrnoException).syscall?.startsWith("spawn")) {
      throw new JobFailure("internal_error", "git is not installed on the runner (or not on its PATH).");
    }
    throw e;
  }
}

/**
 * `environment.create`: clones the repository into `<dataDir>/environments/<environmentId>` with
 * real `git`, with the owner's credentials, running as the environment's own OS user (on a runner
 * that isolates; created here, once). The owner's credential is fetched, opened and refreshed
 * first (so a missing or broken connection fails fast with `credential_needs_reauth`); git then
 * gets it only through the runner's credential helper, configured in the clone's `.git/config`
 * (with the non-secret `scm.environmentId`), which later fetches and pushes in the environment use
 * too. No token is written into the remote URL, `.git/config` or any file. Once the clone is in
 * place the runner serves the environment's agent tools (`ctx.environmentReady`). Clone progress is
 * reported as stages (`receiving_objects: 45%`), which also keeps the job's lease. Typed failures:
 * `repository_not_found`, `repository_permission_denied`, `credential_needs_reauth`,
 * `host_unreachable` (retryable). Returns `{ branch, headSha, clonePath, osUser }`.
 */
export const environmentCreate: JobHandler = async (raw, ctx) => {
  const payload = parsePayload(environmentCreatePayloadSchema, raw, "environment");
  return ctx.environments.exclusive(payload.environmentId, () => create(payload, ctx));
};

async function create(payload: EnvironmentCreatePayload, ctx: JobContext): Promise<{ branch: string; headSha: string; clonePath: string; osUser: string | null }> {
  const { integration, environmentId, ownerId } = payload;
  const url = cloneUrl(payload);

  await ctx.progress("credentials");
  const credential = await typedFailures(() => ctx.credentials.acquire({ userId: ownerId, host: integration.host, signal: ctx.signal }));
  if (ctx.environments.isolation.mode === "os_user") await ctx.progress("identity");
  const prepared = await ctx.environments.prepare({
    environmentId,
    ownerId,
    integrationId: integration.integrationId,
    provider: integration.provider,
    host: integration.host,
    protocol: new URL(integration.baseUrl).protocol,
    repoUrl: url,
    createdAt: new Date().toISOString(),
  });
  const dir = environmentDir(ctx.dataDir, environmentId);
  if (!(await isFinishedClone(dir, prepared.context, ctx.signal))) {
    await clearLeftovers(ctx.dataDir, environmentId);
    await ctx.progress("cloning");
    const cloned = await clone(ctx, payload, url, credential, prepared);
    await fs.rename(cloned, dir);
  }
  const described = await describeClone(dir, prepared.context, ctx.signal);
  await ctx.environmentReady(environmentId);
  return { ...described, clonePath: dir, osUser: prepared.record.osUser ?? null };
}
