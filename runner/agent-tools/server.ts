import { McpServer, type RegisteredTool } from "@modelcontextprotocol/sdk/server/mcp.js";
import { Protocol } from "@modelcontextprotocol/sdk/shared/protocol.js";
import { ErrorCode, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { isToolName, toolCapabilities, type ToolName } from "@/lib/agents/capabilities";
import type { RunnerKeyPair } from "@/lib/crypto/sealed-box";
import { getProvider } from "@/lib/providers";
import { createCredentialBroker, type CredentialBroker } from "../credentials/credential-broker";
import { scmBackends } from "../providers";
import { RUNNER_VERSION } from "../version";
import { createAgentToolsPlane, type AgentToolsPlane, type PlaneConnection } from "./plane-api";
import { quoted, runToolCall, schemasFor, type AgentEnvironment } from "./run-tool-call";
import { toolErrorResult, ToolFailure } from "./tool-error";
import { successResult, toolOutputSchemas } from "./tool-output";
import { toolDescriptions } from "./tool-schemas";

export type AgentToolsServerOptions = {
  environment: AgentEnvironment;
  /** The runner API and this runner's access token (or an already built client). */
  plane: PlaneConnection | AgentToolsPlane;
  /** This runner's key pair: the owner's credential is sealed to it. */
  keys: RunnerKeyPair;
  runnerId: string;
  /**
   * The runner's credential broker, when the server runs inside the runner process (one broker per
   * process coalesces fetches and refreshes across jobs, git and agents); a private one otherwise.
   */
  credentials?: CredentialBroker;
  /** Longest one provider request may take (default 20 s). */
  timeoutMs?: number;
};

/**
 * A JSON-RPC error as the SDK sends it: `code` and `message` as given. (The SDK's `McpError` puts
 * "MCP error -32602:" into its message, and the client adds the same prefix again.)
 */
class ProtocolError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = "ProtocolError";
  }
}

/**
 * `tools/call` as it arrives, before the arguments are looked at: any `arguments` value gets here,
 * so a non-object one is answered -32602 in a sentence rather than with the request schema's dump.
 */
const looseCallRequest = z.object({
  method: z.literal("tools/call"),
  params: z.looseObject({ name: z.unknown(), arguments: z.unknown().optional() }),
});

function instructions(environment: AgentEnvironment): string {
  const provider = getProvider(environment.provider);
  const supported = provider.capabilities.agentTools;
  return [
    `SCM tools for the environment's repository ${environment.repoPath} on ${environment.host} (${provider.name}), acting as the environment's owner with their permissions.`,
    supported
      ? "Push a branch with git first, then open a pull request from it. Every call is checked against the organization's policy; a refusal names its error code and what to do."
      : `${provider.name} has no agent SCM tools: every tool answers scm_tools_not_supported. Use git (clone, commit, push) directly.`,
  ].join(" ");
}

/**
 * One environment's SCM tools as an MCP server: the tools of `lib/agents/capabilities`, each
 * checked with the plane on every call and run with the environment owner's credential. Serve it
 * over stdio or `startAgentToolsHttp`; a fresh server per connection is cheap.
 */
export function createAgentToolsServer(opts: AgentToolsServerOptions): McpServer {
  const plane = "authorize" in opts.plane ? opts.plane : createAgentToolsPlane(opts.plane);
  const credentials = opts.credentials ?? createCredentialBroker({ plane, keys: opts.keys, runnerId: opts.runnerId });
  const context = { environment: opts.environment, plane, credentials, timeoutMs: opts.timeoutMs };
  const schemas = schemasFor(opts.environment);
  const server = new McpServer({ name: "scm-agent-tools", version: RUNNER_VERSION }, { capabilities: { tools: {} }, instructions: instructions(opts.environment) });

  const call = async (tool: ToolName, args: unknown, signal: AbortSignal): Promise<CallToolResult> => {
    try {
      const result = await runToolCall(context, schemas, tool, args, signal);
      return successResult(tool, opts.environment.provider, result);
    } catch (e) {
      if (e instanceof ToolFailure) return toolErrorResult(e);
      throw e;
    }
  };

  const registered = new Map<ToolName, RegisteredTool>();
  for (const tool of Object.keys(toolCapabilities) as ToolName[]) {
    // destructive: may change or remove what exists (update_issue replaces labels and can close).
    const { title, description: general, readOnly, destructive = false } = toolDescriptions[tool];
    const note = scmBackends[opts.environment.provider]?.toolNotes?.[tool];
    const description = note ? `${general} ${note}` : general;
    registered.set(
      tool,
      server.registerTool(
        tool,
        {
          title,
          description,
          inputSchema: schemas[tool],
          outputSchema: toolOutputSchemas[tool],
          annotations: { title, readOnlyHint: readOnly, destructiveHint: destructive, idempotentHint: readOnly, openWorldHint: true },
        },
        (args: unknown, extra: { signal: AbortSignal }) => call(tool, args, extra.signal),
      ),
    );
  }

  // Stateless: a server lives for one request and can never send notifications/tools/list_changed.
  server.server.registerCapabilities({ tools: { listChanged: undefined } });

  // The SDK's own tools/call handler validates arguments first and answers a mismatch with plain
  // text; agents get `validation_failed` with per-field messages from the same schemas instead.
  // Installed through Protocol's method: the Server's override re-parses the request with the
  // SDK's schema first and answers a non-object `arguments` with its dump under -32603.
  server.server.removeRequestHandler("tools/call");
  Protocol.prototype.setRequestHandler.call(server.server, looseCallRequest, async (request: z.infer<typeof looseCallRequest>, extra: { signal: AbortSignal }) => {
    const { name, arguments: args } = request.params;
    if (typeof name !== "string") throw new ProtocolError(ErrorCode.InvalidParams, "params.name must be the tool's name, a string.");
    if (!isToolName(name) || !registered.get(name)?.enabled) {
      throw new ProtocolError(ErrorCode.InvalidParams, `Unknown tool ${quoted(name)}: tools/list names the ${Object.keys(toolCapabilities).length} tools this server has.`);
    }
    if (args !== undefined && (args === null || typeof args !== "object" || Array.isArray(args))) {
      throw new ProtocolError(ErrorCode.InvalidParams, `params.arguments must be a JSON object of the tool's fields, not ${args === null ? "null" : Array.isArray(args) ? "an array" : `a ${typeof args}`}.`);
    }
    return call(name, args, extra.signal);
  });
  return server;
}
