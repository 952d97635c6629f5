import { McpServer, type RegisteredTool } from "@modelcontextprotocol/sdk/server/mcp.js";
import { CallToolRequestSchema, ErrorCode, McpError, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { isToolName, toolCapabilities, type ToolName } from "@/lib/agents/capabilities";
import type { RunnerKeyPair } from "@/lib/crypto/sealed-box";
import { getProvider } from "@/lib/providers";
import { createCredentialBroker, type CredentialBroker } from "../credentials/credential-broker";
import { RUNNER_VERSION } from "../version";
import type { ToolResult } from "./backend";
import { createAgentToolsPlane, type AgentToolsPlane, type PlaneConnection } from "./plane-api";
import { runToolCall, schemasFor, type AgentEnvironment } from "./run-tool-call";
import { toolErrorResult, ToolFailure } from "./tool-error";
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

function successResult(result: ToolResult): CallToolResult {
  return { content: [{ type: "text", text: result.text }], structuredContent: { ...result.data, url: result.url } };
}

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
 * One environment's SCM tools as an MCP server: the nine tools of `lib/agents/capabilities`, each
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
      return successResult(await runToolCall(context, schemas, tool, args, signal));
    } catch (e) {
      if (e instanceof ToolFailure) return toolErrorResult(e);
      throw e;
    }
  };

  const registered = new Map<ToolName, RegisteredTool>();
  for (const tool of Object.keys(toolCapabilities) as ToolName[]) {
    const { title, description, readOnly } = toolDescriptions[tool];
    registered.set(
      tool,
      server.registerTool(
        tool,
        {
          title,
          description,
          inputSchema: schemas[tool],
          annotations: { title, readOnlyHint: readOnly, destructiveHint: false, idempotentHint: readOnly, openWorldHint: true },
        },
        (args: unknown, extra: { signal: AbortSignal }) => call(tool, args, extra.signal),
      ),
    );
  }

  // The SDK's own tools/call handler validates arguments first and answers a mismatch with plain
  // text; agents get `validation_failed` with per-field messages from the same schemas instead.
  server.server.removeRequestHandler("tools/call");
  server.server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const name = request.params.name;
    if (!isToolName(name) || !registered.get(name)?.enabled) throw new McpError(ErrorCode.InvalidParams, `Tool ${name} not found`);
    return call(name, request.params.arguments, extra.signal);
  });
  return server;
}
