import path from "node:path";
import { parseArgs } from "node:util";
import { errorCatalogue, isErrorCode } from "@/lib/errors/catalogue";
import { versionCompatibility } from "@/lib/runners/version-compat";
import { runAgentTools } from "./agent-tools/commands";
import { CREDENTIALS_FILE, DEFAULT_DATA_DIR, EMBEDDED_DATA_DIR, findDataDir, KEY_FILE, loadRegistration, resolveDataDir, runningPid } from "./data-dir";
import { detectIsolation } from "./isolation/isolation";
import { ExecError, execInEnvironment } from "./environments/exec-in-environment";
import { embeddedConfigFromEnv, runEmbedded } from "./embedded";
import { createPlaneClient, PlaneError, PlaneUnreachableError } from "./plane-client";
import { registerRunner } from "./register";
import { RUNNER_COMMAND, RUNNER_VERSION } from "./version";
import { NotRegisteredError, runWorker } from "./worker";

/** Exit codes, so scripts and supervisors can tell failures apart. */
export const EXIT = {
  ok: 0,
  failed: 1,
  /** Bad arguments or configuration, or `start` before `register`. */
  usage: 2,
  /** The plane refused the registration (token unknown, expired, used or rotated). */
  registrationRefused: 3,
  /** The plane refused the runner's access token (deleted, or registered again elsewhere). */
  tokenInvalid: 4,
  /** The plane could not be reached. */
  unreachable: 5,
} as const;

const USAGE = `Usage:
  ${RUNNER_COMMAND} register --url URL --token TOKEN [--data-dir DIR]
      Generates this runner's key pair, registers it with the management plane at URL using the
      one-time registration token from Settings > Runners, and stores the key and the access token
      under DIR (default: $RUNNER_DATA_DIR or ${DEFAULT_DATA_DIR}). Registering again rotates the key.
  ${RUNNER_COMMAND} start [--data-dir DIR] [--concurrency N] [--grace-seconds S]
      Connects to the management plane and works on up to N jobs at once (default 4) until
      stopped (Ctrl-C, SIGTERM); running jobs then get S seconds (default 5) to finish before they
      are handed back to the plane for a retry.
  ${RUNNER_COMMAND.replace(/^npm run /, "npm run -s ")} exec [--data-dir DIR] --environment ID -- COMMAND [ARGS...]
      Runs COMMAND in an environment's clone as the environment itself (its own OS user when the
      runner isolates; run as root then), e.g. -- git status, or -- sh for a shell. Exits with the
      command's exit code.
  ${RUNNER_COMMAND} status [--data-dir DIR]
      Shows this runner's registration, whether its process is running, its isolation, and
      whether the management plane accepts it (and the plane's version against this one's).
  ${RUNNER_COMMAND} version
      Prints the runner's version.
  ${RUNNER_COMMAND.replace(/^npm run /, "npm run -s ")} agent-tools <endpoint|mcp|serve|call|tools> ...
      The agent SCM tools of an environment (agent-tools --help for their options).
  ${RUNNER_COMMAND} start --embedded
      The local runner of \`npm start\` and \`npm run dev\`: registers itself through the app (RUNNER_PLANE_URL,
      LOCAL_RUNNER_BOOTSTRAP_SECRET) once first-run setup is done, data in ${EMBEDDED_DATA_DIR}.

Exit codes: 0 ok, 1 failed, 2 usage or not registered, 3 registration refused,
            4 access token refused, 5 management plane unreachable.`;

class UsageError extends Error {}

function explainPlaneError(e: PlaneError): string {
  const entry = isErrorCode(e.code) ? errorCatalogue[e.code] : null;
  return [`${e.title} (${e.code}).`, entry?.explanation, entry?.remedy].filter(Boolean).join("\n");
}

async function register(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { url: { type: "string" }, token: { type: "string" }, "data-dir": { type: "string" } }, strict: true });
  if (!values.url || !values.token) throw new UsageError("register needs --url and --token.");
  const dataDir = resolveDataDir(values["data-dir"]);
  try {
    const registered = await registerRunner({ planeUrl: values.url, registrationToken: values.token, dataDir });
    console.log(`Registered runner "${registered.name}" (${registered.runnerId}) with ${registered.planeUrl}.`);
    console.log(`  Key fingerprint: ${registered.fingerprint}`);
    console.log(`  Compare it with the fingerprint shown in Settings > Runners.`);
    console.log(`  Data directory:  ${dataDir} (${KEY_FILE} and ${CREDENTIALS_FILE}, mode 0600)`);
    console.log(`Start it with: ${RUNNER_COMMAND} start${values["data-dir"] ? ` --data-dir ${values["data-dir"]}` : ""}`);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof PlaneError) {
      console.error(`Registration failed: ${explainPlaneError(e)}`);
      return e.code === "registration_token_invalid" ? EXIT.registrationRefused : EXIT.failed;
    }
    if (e instanceof PlaneUnreachableError) {
      console.error(`Registration failed: cannot reach the management plane at ${e.url}: ${e.message}`);
      return EXIT.unreachable;
    }
    throw e;
  }
}

async function start(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { "data-dir": { type: "string" }, concurrency: { type: "string" }, "grace-seconds": { type: "string" }, embedded: { type: "boolean" } },
    strict: true,
  });
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)) throw new UsageError("--concurrency must be a whole number from 1 to 64.");
  const grace = values["grace-seconds"] === undefined ? undefined : Number(values["grace-seconds"]);
  if (grace !== undefined && (!Number.isFinite(grace) || grace < 0 || grace > 300)) throw new UsageError("--grace-seconds must be a number from 0 to 300.");
  const shutdownGraceMs = grace === undefined ? undefined : grace * 1000;

  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) return; // already stopping; running jobs get their grace period
    console.error(`Received ${signal}: stopping (running jobs get a few seconds to finish).`);
    stop.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  if (values.embedded) {
    const env = embeddedConfigFromEnv(process.env);
    if ("missing" in env) throw new UsageError(`start --embedded needs ${env.missing.join(" and ")} (npm start and npm run dev set them).`);
    const dataDir = path.resolve(values["data-dir"] ?? EMBEDDED_DATA_DIR);
    await runEmbedded({ ...env, dataDir, concurrency, shutdownGraceMs }, stop.signal);
    return EXIT.ok;
  }
  const dataDir = resolveDataDir(values["data-dir"]);
  try {
    const exit = await runWorker({ dataDir, stop: stop.signal, concurrency, shutdownGraceMs });
    if (exit === "token_invalid") {
      console.error(
        "The management plane refused this runner's access token (runner_token_invalid): the runner was deleted, or it was registered again with another key.\n" +
          `Register it again with a new registration token from Settings > Runners: ${RUNNER_COMMAND} register --url URL --token TOKEN`,
      );
      return EXIT.tokenInvalid;
    }
    return EXIT.ok;
  } catch (e) {
    if (e instanceof NotRegisteredError) {
      console.error(`${e.message}\nRegister it first: ${RUNNER_COMMAND} register --url URL --token TOKEN${values["data-dir"] ? ` --data-dir ${values["data-dir"]}` : ""}`);
      return EXIT.usage;
    }
    throw e;
  }
}

async function exec(args: string[]): Promise<number> {
  const split = args.indexOf("--");
  const own = split >= 0 ? args.slice(0, split) : args;
  const { values, positionals } = parseArgs({ args: own, options: { "data-dir": { type: "string" }, environment: { type: "string" } }, strict: true, allowPositionals: true });
  const command = split >= 0 ? args.slice(split + 1) : positionals;
  if (!values.environment) throw new UsageError("exec needs --environment ID.");
  try {
    return await execInEnvironment({ dataDir: await findDataDir(values["data-dir"]), environmentId: values.environment, command });
  } catch (e) {
    if (e instanceof ExecError) {
      console.error(e.message);
      return EXIT.usage;
    }
    throw e;
  }
}

async function version(args: string[]): Promise<number> {
  parseArgs({ args, options: {}, strict: true });
  console.log(RUNNER_VERSION);
  return EXIT.ok;
}

/** `status`: what a person checking on a runner wants to know, changing nothing. Exit codes as for start. */
async function status(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { "data-dir": { type: "string" } }, strict: true });
  const dataDir = await findDataDir(values["data-dir"]);
  const dirFlag = values["data-dir"] ? ` --data-dir ${values["data-dir"]}` : "";
  const registration = await loadRegistration(dataDir);
  console.log(`Runner version:   ${RUNNER_VERSION} (Node ${process.versions.node})`);
  console.log(`Data directory:   ${dataDir}`);
  if (!registration) {
    console.log(`Registration:     none. Register it: ${RUNNER_COMMAND} register --url URL --token TOKEN${dirFlag}`);
    return EXIT.usage;
  }
  const { credentials } = registration;
  console.log(`Registration:     "${credentials.name}" (${credentials.runnerId}) with ${credentials.planeUrl}, since ${credentials.registeredAt}`);
  console.log(`Key fingerprint:  ${credentials.fingerprint}`);
  const pid = await runningPid(dataDir);
  console.log(`Process:          ${pid ? `running (pid ${pid})` : `not running. Start it: ${RUNNER_COMMAND} start${dirFlag}`}`);
  const isolation = detectIsolation(dataDir);
  console.log(`Isolation:        ${isolation.mode === "os_user" ? "an OS user per environment" : "none"}: ${isolation.reason}`);
  try {
    const me = await createPlaneClient({ planeUrl: credentials.planeUrl, accessToken: credentials.accessToken }).me(AbortSignal.timeout(10_000));
    console.log(`Management plane: accepts this runner${me.planeVersion ? ` (plane version ${me.planeVersion})` : ""}`);
    const compatibility = me.planeVersion ? versionCompatibility(RUNNER_VERSION, me.planeVersion) : null;
    if (compatibility && compatibility.status !== "same") console.log(`                  ${compatibility.message}`);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof PlaneError) {
      console.log(`Management plane: refused this runner: ${explainPlaneError(e)}`);
      return e.code === "runner_token_invalid" ? EXIT.tokenInvalid : EXIT.failed;
    }
    if (e instanceof PlaneUnreachableError) {
      console.log(`Management plane: cannot reach ${e.url}: ${e.message}`);
      return EXIT.unreachable;
    }
    throw e;
  }
}

const commands: Record<string, (args: string[]) => Promise<number>> = { register, start, exec, status, version, "agent-tools": runAgentTools };

/** `scm-runner <command> ...` (`npm run runner -- <command> ...` in a checkout): dispatches to the command and exits with its code. */
async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "--version" || name === "-v") return version([]);
  if (!name || name === "help" || name === "--help" || name === "-h") {
    console.log(USAGE);
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  try {
    if (!command) throw new UsageError(`Unknown command "${name}".`);
    return await command(rest);
  } catch (e) {
    if (e instanceof UsageError || (e instanceof Error && "code" in e && String(e.code).startsWith("ERR_PARSE_ARGS"))) {
      console.error(`${e.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    console.error(`The runner failed: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT.failed;
  }
}

void main(process.argv.slice(2)).then((code) => process.exit(code));
