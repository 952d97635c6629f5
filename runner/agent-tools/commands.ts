import path from "node:path";
import fs from "node:fs/promises";
import { parseArgs } from "node:util";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";
import { isToolName, toolCapabilities, type ToolName } from "@/lib/agents/capabilities";
import { setLogSink } from "@/runner/log";
import { createCredentialBroker } from "../credentials/credential-broker";
import { DEFAULT_DATA_DIR, EMBEDDED_DATA_DIR } from "../data-dir";
import { environmentDir, isEnvironmentId, readEnvironmentRecord } from "../git/environment-record";
import { endpointFile, isServing, readEndpoint } from "./endpoint-file";
import { createEnvironmentToken, startAgentToolsHttp } from "./http";
import { ConfigError, findEnvironmentDataDir, loadAgentToolsConfig, type AgentToolsConfig } from "./load-config";
import { createAgentToolsPlane } from "./plane-api";
import { runToolCall, schemasFor } from "./run-tool-call";
import { createAgentToolsServer } from "./server";
import { describeToolFailure, toolErrorBody, ToolFailure } from "./tool-error";
import { toolDescriptions } from "./tool-schemas";
import { AGENT_TOOLS_COMMAND, RUNNER_COMMAND } from "../version";

/** Exit codes: scripts tell a refused or failed call apart from a mistake in the command. */
const EXIT = { ok: 0, toolFailed: 1, notServed: 1, usage: 2 } as const;

const USAGE = `Usage:
  ${AGENT_TOOLS_COMMAND} endpoint --environment ID [--data-dir DIR]
      Prints where the running runner serves the environment's tools, as JSON: {"environmentId",
      "url", "token", "transport": "streamable-http", "startedAt"}. Connect an MCP client to url
      with the header "Authorization: Bearer <token>". Exits 1 when the runner is not serving it.
  ${AGENT_TOOLS_COMMAND} mcp --environment ID [runner options]
      Serves the environment's SCM tools over MCP on stdin/stdout (for an agent that starts it).
      stdout carries the protocol alone: from a checkout, start it with npm run -s (without -s,
      npm's banner goes into the stream).
  ${AGENT_TOOLS_COMMAND} serve --environment ID [--port N] --http-token-file FILE [runner options]
      Serves them over MCP streamable HTTP on 127.0.0.1 from this process (the running runner
      serves every ready environment by itself: see endpoint). The bearer token is read from FILE,
      or created there (mode 0600) when FILE does not exist. Prints the endpoint URL.
  ${AGENT_TOOLS_COMMAND} call TOOL --environment ID --json '{"title":"..."}' [runner options]
      Makes one call and prints its JSON result; a refusal or failure prints {"error":{code,...}}
      and exits 1.
  ${AGENT_TOOLS_COMMAND} tools --environment ID [runner options]
      Lists the tools with their input schemas (JSON).

Runner options (read-only; the runner's own data directory is the default):
  --data-dir DIR      the runner's data directory (default: $RUNNER_DATA_DIR, else whichever of
                      ${DEFAULT_DATA_DIR} and the embedded runner's ${EMBEDDED_DATA_DIR} has the environment)
  --plane-url URL     the management plane, instead of the one the runner registered with
  --token-file FILE   a file with the runner's access token, instead of the registered one

Tools: ${Object.keys(toolCapabilities).join(", ")}
Exit codes: 0 ok, 1 the call was refused or failed (typed error printed) or the runner is not
            serving the environment (endpoint), 2 usage.`;

const runnerOptions = { environment: { type: "string" }, "data-dir": { type: "string" }, "plane-url": { type: "string" }, "token-file": { type: "string" } } as const;

function config(values: { environment?: string; "data-dir"?: string; "plane-url"?: string; "token-file"?: string }): Promise<AgentToolsConfig> {
  return loadAgentToolsConfig({ environmentId: values.environment, dataDir: values["data-dir"], planeUrl: values["plane-url"], tokenFile: values["token-file"] });
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
}

async function mcp(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: runnerOptions, strict: true });
  const server = createAgentToolsServer(await config(values));
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => (transport.onclose = resolve));
  await server.connect(transport);
  // Ends when the agent closes stdin, or on a signal.
  await Promise.race([closed, untilSignal(), new Promise<void>((resolve) => process.stdin.once("end", resolve))]);
  await server.close();
  return EXIT.ok;
}

async function serve(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { ...runnerOptions, port: { type: "string" }, "http-token-file": { type: "string" } }, strict: true });
  const tokenFile = values["http-token-file"];
  if (!tokenFile) throw new ConfigError("serve needs --http-token-file FILE.");
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError("--port must be a port number.");
  const loaded = await config(values);
  let token = (await fs.readFile(tokenFile, "utf8").catch(() => "")).trim();
  if (!token) {
    token = createEnvironmentToken();
    await fs.writeFile(tokenFile, token + "\n", { mode: 0o600, flag: "wx" });
  }
  const credentials = createCredentialBroker({ plane: createAgentToolsPlane(loaded.plane), keys: loaded.keys, runnerId: loaded.runnerId });
  const http = await startAgentToolsHttp({ createServer: () => createAgentToolsServer({ ...loaded, credentials }), token, port });
  console.log(http.url);
  await untilSignal();
  await http.close();
  return EXIT.ok;
}

async function call(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { ...runnerOptions, json: { type: "string" } }, allowPositionals: true, strict: true });
  const tool = positionals[0];
  if (!isToolName(tool)) throw new ConfigError(`Name one of the tools: ${Object.keys(toolCapabilities).join(", ")}.`);
  let input: unknown = {};
  if (values.json !== undefined) {
    try {
      input = JSON.parse(values.json);
    } catch {
      throw new ConfigError("--json must be a JSON object.");
    }
  }
  const loaded = await config(values);
  const plane = createAgentToolsPlane(loaded.plane);
  const credentials = createCredentialBroker({ plane, keys: loaded.keys, runnerId: loaded.runnerId });
  try {
    const result = await runToolCall({ environment: loaded.environment, plane, credentials }, schemasFor(loaded.environment), tool, input, new AbortController().signal);
    console.log(JSON.stringify({ ...result.data, url: result.url }, null, 2));
    return EXIT.ok;
  } catch (e) {
    if (!(e instanceof ToolFailure)) throw e;
    console.log(JSON.stringify(toolErrorBody(e), null, 2));
    console.error(describeToolFailure(e));
    return EXIT.toolFailed;
  }
}

async function tools(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: runnerOptions, strict: true });
  const schemas = schemasFor((await config(values)).environment);
  const list = (Object.keys(toolCapabilities) as ToolName[]).map((name) => ({ name, ...toolDescriptions[name], inputSchema: z.toJSONSchema(schemas[name], { io: "input" }) }));
  console.log(JSON.stringify(list, null, 2));
  return EXIT.ok;
}

/** Why `endpoint` has nothing to print, in words for whoever ran it. */
async function notServedReason(dataDir: string, environmentId: string, start: string): Promise<string> {
  const record = await readEnvironmentRecord(dataDir, environmentId);
  if (!record) return `The runner in ${dataDir} has no environment ${environmentId}.`;
  const cloned = await fs.stat(environmentDir(dataDir, environmentId)).then((s) => s.isDirectory(), () => false);
  if (!cloned) return `Environment ${environmentId} is not ready on this runner: its clone is not there (creating it failed, or it is still being made).`;
  return `The runner is not serving environment ${environmentId}'s tools: it is not running (or stopped since it wrote ${endpointFile(dataDir, environmentId)}).\nStart it with: ${start}`;
}

async function endpoint(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { environment: { type: "string" }, "data-dir": { type: "string" } }, strict: true });
  // Inside an environment (`runner exec`), its id and the data directory come with it.
  const environmentId = values.environment ?? process.env.SCM_ENVIRONMENT_ID;
  if (!environmentId) throw new ConfigError("--environment <id> is required.");
  if (!isEnvironmentId(environmentId)) throw new ConfigError("--environment must be an environment id (a UUID).");
  const fromInside = !values["data-dir"] && process.env.SCM_AGENT_TOOLS_FILE && process.env.SCM_ENVIRONMENT_ID === environmentId;
  const dataDir = fromInside ? path.dirname(path.dirname(process.env.SCM_AGENT_TOOLS_FILE!)) : await findEnvironmentDataDir(values["data-dir"], environmentId);
  const found = await readEndpoint(dataDir, environmentId);
  // A runner that was killed leaves its file behind: only an endpoint that answers with its token counts.
  if (found && (await isServing(found))) {
    console.log(JSON.stringify(found, null, 2));
    return EXIT.ok;
  }
  console.error(await notServedReason(dataDir, environmentId, `${RUNNER_COMMAND} start${values["data-dir"] ? ` --data-dir ${values["data-dir"]}` : ""}`));
  return EXIT.notServed;
}

const commands: Record<string, (args: string[]) => Promise<number>> = { endpoint, mcp, serve, call, tools };

/** The agent-tools commands (`scm-runner agent-tools <command> ...`, `npm run -s agent-tools -- <command> ...`): the exit code. */
export async function runAgentTools(argv: string[]): Promise<number> {
  // stdout carries the MCP protocol or the JSON answer: logs go to stderr.
  setLogSink((line) => process.stderr.write(line + "\n"));
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    console.error(USAGE);
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  try {
    if (!command) throw new ConfigError(`Unknown command "${name}".`);
    return await command(rest);
  } catch (e) {
    if (e instanceof ConfigError || (e instanceof Error && "code" in e && String(e.code).startsWith("ERR_PARSE_ARGS"))) {
      console.error(`${e.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    console.error(`agent-tools failed: ${e instanceof Error ? e.name : "unknown error"}`);
    return EXIT.toolFailed;
  }
}

