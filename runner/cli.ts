import path from "node:path";
import { parseArgs } from "node:util";
import { errorCatalogue, isErrorCode } from "@/lib/errors/catalogue";
import { CREDENTIALS_FILE, EMBEDDED_DATA_DIR, findDataDir, KEY_FILE, resolveDataDir } from "./data-dir";
import { ExecError, execInEnvironment } from "./environments/exec-in-environment";
import { embeddedConfigFromEnv, runEmbedded } from "./embedded";
import { PlaneError, PlaneUnreachableError } from "./plane-client";
import { registerRunner } from "./register";
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
  npm run runner -- register --url URL --token TOKEN [--data-dir DIR]
      Generates this runner's key pair, registers it with the management plane at URL using the
      one-time registration token from Settings > Runners, and stores the key and the access token
      under DIR (default: $RUNNER_DATA_DIR or .data/runner). Registering again rotates the key.
  npm run runner -- start [--data-dir DIR] [--concurrency N] [--grace-seconds S]
      Connects to the management plane and works on up to N jobs at once (default 4) until
      stopped (Ctrl-C, SIGTERM); running jobs then get S seconds (default 5) to finish before they
      are handed back to the plane for a retry.
  npm run -s runner -- exec [--data-dir DIR] --environment ID -- COMMAND [ARGS...]
      Runs COMMAND in an environment's clone as the environment itself (its own OS user when the
      runner isolates; run as root then), e.g. -- git status, or -- sh for a shell. Exits with the
      command's exit code.
  npm run runner -- start --embedded
      The local runner of \`npm run dev\`: registers itself through the app (RUNNER_PLANE_URL,
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
    console.log(`Start it with: npm run runner -- start${values["data-dir"] ? ` --data-dir ${values["data-dir"]}` : ""}`);
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
    if ("missing" in env) throw new UsageError(`start --embedded needs ${env.missing.join(" and ")} (npm run dev sets them).`);
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
          "Register it again with a new registration token from Settings > Runners: npm run runner -- register --url URL --token TOKEN",
      );
      return EXIT.tokenInvalid;
    }
    return EXIT.ok;
  } catch (e) {
    if (e instanceof NotRegisteredError) {
      console.error(`${e.message}\nRegister it first: npm run runner -- register --url URL --token TOKEN${values["data-dir"] ? ` --data-dir ${values["data-dir"]}` : ""}`);
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

const commands: Record<string, (args: string[]) => Promise<number>> = { register, start, exec };

/** `npm run runner -- <command> ...`: dispatches to the command and exits with its code. */
async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
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
