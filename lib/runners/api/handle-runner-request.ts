import { z } from "zod";
import type { Database } from "@/db/client";
import { sameSecret } from "../../crypto/same-secret";
import { recordRunnerEvents, runnerEventsRequestSchema } from "../../diagnostics/record-runner-events";
import { AppError, errorBody, isAppError } from "../../errors/app-error";
import { errorCatalogue } from "../../errors/catalogue";
import { readLimitedJson } from "../../http/read-limited-body";
import { log } from "../../log/logger";
import { authenticateRunner, bearerToken } from "../authenticate-runner";
import { bootstrapLocalRunner } from "../bootstrap-local-runner";
import { completeJob, reportJobProgress } from "../jobs/complete-job";
import { pollJobs } from "../jobs/poll-jobs";
import { environmentRefusalSchema, jobProgressRequestSchema, jobResultRequestSchema, MAX_POLL_WAIT_SECONDS, registerRequestSchema, runnerHelloSchema } from "../protocol";
import { PLANE_VERSION } from "../../version";
import { reportRunnerHello } from "../report-runner-hello";
import { getEnvironmentCredential } from "../../environments/get-environment-credential";
import { recordEnvironmentRefusal } from "../../environments/record-environment-refusal";
import { registerRunner } from "../register-runner";
import { authorizeToolCall, authorizeToolCallSchema, finishToolCall, finishToolCallSchema } from "../../agents/authorize-tool-call";
import { credentialNeedsReauthRequestSchema, rotateCredentialRequestSchema } from "../../git-auth/job-payloads";
import { getCredentialForRunner, markCredentialNeedsReauth, rotateCredential } from "../../git-auth/runner-credentials";

const MAX_BODY_BYTES = 256 * 1024;
const uuid = z.string().uuid();
const credentialQuerySchema = z.object({ userId: z.string().uuid(), host: z.string().min(1).max(260) });

export type RunnerApiOptions = {
  database: Pick<Database, "db" | "listen">;
  /** The embedded local runner's bootstrap secret, when `npm run dev` enabled it. */
  localBootstrapSecret?: string;
  /** How long a runner holds a job it is handed; default `JOB_LEASE_SECONDS` (tests shorten it). */
  leaseSeconds?: number;
};

function fail(e: AppError): Response {
  return Response.json({ error: { ...errorBody(e).error, title: errorCatalogue[e.code].title } }, { status: e.status, headers: { "Cache-Control": "no-store" } });
}

/** Every runner API body is read within `MAX_BODY_BYTES`, counted on the stream as it arrives. */
function readJson(request: Request): Promise<unknown> {
  return readLimitedJson(request, MAX_BODY_BYTES);
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const fieldErrors: Record<string, string[]> = {};
    for (const issue of parsed.error.issues) (fieldErrors[issue.path.join(".") || "body"] ??= []).push(issue.message);
    throw new AppError("validation_failed", { fieldErrors });
  }
  return parsed.data;
}

/**
 * The runner API, framework-free (a `Request` in, a `Response` out) so the Next.js route and the
 * integration tests serve the very same code. `path` is what follows `/api/runner/v1/`.
 */
export async function handleRunnerRequest(request: Request, path: string[], opts: RunnerApiOptions): Promise<Response> {
  const { db } = opts.database;
  const route = `${request.method} /${path.join("/")}`;
  try {
    if (route === "POST /register") {
      const body = parse(registerRequestSchema, await readJson(request));
      return Response.json(await registerRunner({ db, request: body }), { status: 201, headers: { "Cache-Control": "no-store" } });
    }
    if (route === "POST /local-bootstrap") {
      const given = request.headers.get("x-local-runner-secret") ?? "";
      if (!opts.localBootstrapSecret || !sameSecret(opts.localBootstrapSecret, given)) throw new AppError("not_found");
      return Response.json(await bootstrapLocalRunner({ db }), { headers: { "Cache-Control": "no-store" } });
    }
    const runner = await authenticateRunner({ db, token: bearerToken(request.headers.get("authorization")) });
    if (route === "GET /jobs") {
      const wait = Number(new URL(request.url).searchParams.get("wait") ?? "0");
      const waitSeconds = Number.isFinite(wait) ? Math.min(Math.max(wait, 0), MAX_POLL_WAIT_SECONDS) : 0;
      const jobs = await pollJobs({ database: opts.database, runnerId: runner.id, waitSeconds, signal: request.signal, leaseSeconds: opts.leaseSeconds });
      return Response.json({ jobs }, { headers: { "Cache-Control": "no-store" } });
    }
    if (request.method === "POST" && path.length === 3 && path[0] === "jobs" && (path[2] === "result" || path[2] === "progress")) {
      const jobId = path[1]!;
      if (!uuid.safeParse(jobId).success) throw new AppError("not_found");
      if (path[2] === "result") {
        const body = parse(jobResultRequestSchema, await readJson(request));
        return Response.json({ ok: true, ...(await completeJob({ db, runnerId: runner.id, jobId, body })) });
      }
      const body = parse(jobProgressRequestSchema, await readJson(request));
      const lease = await reportJobProgress({ db, runnerId: runner.id, jobId, attempt: body.attempt, stage: body.stage, leaseSeconds: opts.leaseSeconds });
      return Response.json({ ok: true, ...lease });
    }
    if (route === "GET /credentials") {
      const params = new URL(request.url).searchParams;
      const query = parse(credentialQuerySchema, { userId: params.get("userId"), host: params.get("host") });
      return Response.json(await getCredentialForRunner({ db, runner, ...query }), { headers: { "Cache-Control": "no-store" } });
    }
    if (path.length === 3 && path[0] === "environments" && ((request.method === "GET" && path[2] === "credential") || (request.method === "POST" && path[2] === "refusals"))) {
      // Anything but a UUID (`..`, another shape) is answered like an unknown id.
      const environmentId = path[1]!;
      if (!uuid.safeParse(environmentId).success) throw new AppError("not_found");
      if (path[2] === "credential") return Response.json(await getEnvironmentCredential({ db, runner, environmentId }), { headers: { "Cache-Control": "no-store" } });
      const refusal = parse(environmentRefusalSchema, await readJson(request));
      await recordEnvironmentRefusal({ db, runner, environmentId, refusal });
      return Response.json({ ok: true });
    }
    if (request.method === "POST" && path.length === 3 && path[0] === "credentials" && (path[2] === "rotate" || path[2] === "needs-reauth")) {
      const credentialId = path[1]!;
      if (!uuid.safeParse(credentialId).success) throw new AppError("not_found");
      if (path[2] === "rotate") {
        const body = parse(rotateCredentialRequestSchema, await readJson(request));
        return Response.json(await rotateCredential({ db, runner, credentialId, body }));
      }
      const body = parse(credentialNeedsReauthRequestSchema, await readJson(request));
      await markCredentialNeedsReauth({ db, runner, credentialId, body });
      return Response.json({ ok: true });
    }
    if (route === "POST /agent-calls") {
      const body = parse(authorizeToolCallSchema, await readJson(request));
      return Response.json(await authorizeToolCall({ db, runner, input: body }), { headers: { "Cache-Control": "no-store" } });
    }
    if (request.method === "POST" && path.length === 3 && path[0] === "agent-calls" && path[2] === "finish") {
      const callId = path[1]!;
      if (!uuid.safeParse(callId).success) throw new AppError("not_found");
      const body = parse(finishToolCallSchema, await readJson(request));
      await finishToolCall({ db, runner, callId, input: body });
      return Response.json({ ok: true });
    }
    if (route === "POST /events") {
      const body = parse(runnerEventsRequestSchema, await readJson(request));
      return Response.json(await recordRunnerEvents({ db, runner, body }));
    }
    if (route === "POST /me") {
      const hello = parse(runnerHelloSchema, await readJson(request));
      return Response.json({ ...(await reportRunnerHello({ db, runner, hello })), planeVersion: PLANE_VERSION });
    }
    if (route === "GET /me") {
      return Response.json({ runnerId: runner.id, name: runner.name, keyId: runner.keyId, planeVersion: PLANE_VERSION });
    }
    throw new AppError("not_found");
  } catch (e) {
    if (isAppError(e)) return fail(e);
    log.error("runner_api.failed", { route: route.replace(/[0-9a-f-]{36}/g, ":id"), error: e instanceof Error ? e.message : String(e) });
    return fail(new AppError("internal_error"));
  }
}
