import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { CallToolResultSchema, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { Octokit } from "@octokit/rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toolCapabilities } from "@/lib/agents/capabilities";
import { testEngines } from "@/tests/helpers/test-database";
import { createAgentToolsPlane } from "./plane-api";
import { createAgentToolsServer } from "./server";
import { activityOf, addEnvironment, connect, disconnect, errorOf, startWorld, type ToolSession, type World } from "./test-support/world";

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** Waits for a condition the test itself causes; fails with `what` rather than hanging. */
async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The protocol error a request got (the client's McpError), or null when it succeeded. */
async function protocolError(request: Promise<unknown>): Promise<{ code: number; message: string } | null> {
  try {
    await request;
    return null;
  } catch (e) {
    return { code: (e as { code: number }).code, message: (e as Error).message };
  }
}

const textsOf = (result: CallToolResult) => (result.content as { type: string; text: string }[]).map((c) => c.text);

describe("the agent tools' answers at the protocol level", () => {
  let world: World;
  let session: ToolSession;
  let gitlab: ToolSession;
  let octokit: Octokit;
  const tokens: string[] = [];
  const repo = { owner: "proto-owner", repo: "app" };

  beforeAll(async () => {
    world = await startWorld(testEngines()[0]!);
    const added = await addEnvironment(world, { provider: "github", login: "proto-owner", repo: "app", pushBranch: "feature/proto" });
    octokit = new Octokit({ auth: added.token, baseUrl: world.sandbox.urls.github.enterpriseApi, log: quiet });
    session = await connect(world, added.environment);
    const gl = await addEnvironment(world, { provider: "gitlab", login: "proto-gl", repo: "app", pushBranch: "feature/proto" });
    gitlab = await connect(world, gl.environment);
    tokens.push(added.token, gl.token);
    await session.client.listTools();
    await gitlab.client.listTools();
  });
  afterAll(async () => {
    if (session) await disconnect(session);
    if (gitlab) await disconnect(gitlab);
    await world?.close();
  });

  it("a non-object arguments value is -32602 in one sentence, not -32603 with a schema dump (regression)", async () => {
    for (const value of [[1, 2], "title", 42, null]) {
      const error = await protocolError(session.client.request({ method: "tools/call", params: { name: "create_issue", arguments: value as never } }, CallToolResultSchema));
      expect(error?.code, JSON.stringify(value)).toBe(-32602);
      expect(error?.message).toMatch(/^MCP error -32602: params\.arguments must be a JSON object/);
      expect(error?.message.length).toBeLessThan(200);
    }
  });

  it("an unknown tool is -32602 with one prefix and its name quoted to 64 characters (regression: doubled prefix, 1 MB echo)", async () => {
    const error = await protocolError(session.client.request({ method: "tools/call", params: { name: `delete_${"x".repeat(500_000)}`, arguments: {} } }, CallToolResultSchema));
    expect(error?.code).toBe(-32602);
    expect(error?.message).toMatch(new RegExp(`^MCP error -32602: Unknown tool "delete_x+…": tools/list names the ${Object.keys(toolCapabilities).length} tools`));
    expect(error?.message).not.toContain("MCP error -32602: MCP error");
    expect(error?.message.length).toBeLessThan(200);
  });

  it("unknown keys are counted and quoted to 64 characters, not echoed whole (regression: a 500 KB key answered 1 MB)", async () => {
    const huge = "k".repeat(500_000);
    const result = await session.call("create_issue", { title: "x", [huge]: 1, colour: "red" });
    const error = errorOf(result);
    expect(error).toMatchObject({ code: "validation_failed", fieldErrors: { arguments: [expect.stringMatching(/^2 unknown fields \("k{64}…", "colour"\)/)] } });
    expect(JSON.stringify(result).length).toBeLessThan(3_000);
    // Written for an agent, not for a form.
    expect(textsOf(result)[0]).not.toMatch(/highlighted|submit again|Some fields need attention/);
  });

  it("does not advertise tools.listChanged from a server that can never send it (regression)", () => {
    expect(session.client.getServerCapabilities()?.tools).toEqual({});
  });

  it("every tool declares an outputSchema; update_issue is destructive (regression: annotated non-destructive)", async () => {
    const { tools } = await session.client.listTools();
    for (const tool of tools) expect(tool.outputSchema, tool.name).toMatchObject({ type: "object" });
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    expect(byName.update_issue!.annotations).toMatchObject({ destructiveHint: true, readOnlyHint: false });
    expect(byName.create_issue!.annotations).toMatchObject({ destructiveHint: false });
    expect(byName.list_issues!.outputSchema).toMatchObject({ required: expect.arrayContaining(["issues", "count", "hasMore", "nextCursor"]) });
  });

  it("mirrors the structured result as JSON text, and lists say whether there is more, in correct grammar (regression)", async () => {
    await octokit.rest.issues.create({ ...repo, title: "First", labels: ["bug"] });
    await octokit.rest.issues.create({ ...repo, title: "Second" });
    const one = await session.call("list_issues", { limit: 1 });
    expect(errorOf(one)).toBeNull();
    const [summary, json] = textsOf(one);
    expect(JSON.parse(json!)).toEqual(one.structuredContent);
    expect(one.structuredContent).toMatchObject({ count: 1, hasMore: true, nextCursor: expect.any(String), issues: [{ title: "Second" }] });
    // The cursor reads on to the one issue left, and says that was the last.
    const next = await session.call("list_issues", { limit: 1, cursor: (one.structuredContent as { nextCursor: string }).nextCursor });
    expect(next.structuredContent).toMatchObject({ count: 1, hasMore: false, nextCursor: null, issues: [{ title: "First" }] });
    expect(summary).toMatch(/^1 issue \(more exist/);
    const all = await session.call("list_issues", {});
    expect(all.structuredContent).toMatchObject({ count: 2, hasMore: false });
    expect(textsOf(all)[0]).toMatch(/^2 issues:\n#\d+ Second \(open; by proto-owner\)[^\n]*\n#\d+ First \(open; labels: bug; by proto-owner\)/);

    const opened = await session.call("create_pull_request", { title: "Proto" });
    expect(errorOf(opened)).toBeNull();
    const pulls = await session.call("list_pull_requests", {});
    expect(textsOf(pulls)[0]).toMatch(/^1 pull request:\n#\d+ Proto \(open; feature\/proto → main; head [0-9a-f]{12}; by proto-owner\)/);
  });

  it("GitLab merge requests are written !N in list texts", async () => {
    expect(errorOf(await gitlab.call("create_pull_request", { title: "Proto MR" }))).toBeNull();
    const listed = await gitlab.call("list_pull_requests", {});
    expect(textsOf(listed)[0]).toMatch(/^1 merge request:\n!\d+ Proto MR \(open;/);
  });

  it("GitLab assignees resolve through the user lookup (regression: every assignee failed with repository_permission_denied)", async () => {
    const created = await gitlab.call("create_issue", { title: "Assigned", assignees: ["proto-gl"] });
    expect(errorOf(created)).toBeNull();
    expect(created.structuredContent).toMatchObject({ issue: { assignees: ["proto-gl"] } });
    const unknown = await gitlab.call("create_issue", { title: "Nobody", assignees: ["no-such-user"] });
    expect(errorOf(unknown)).toMatchObject({ code: "validation_failed", fieldErrors: { assignees: [expect.stringContaining("no-such-user")] } });
  });

  it("a number the repository does not have is scm_item_not_found, not repository_permission_denied (regression), on GitHub and GitLab", async () => {
    for (const [s, tool, args, name] of [
      [session, "get_pull_request", { number: 999 }, "pull request #999"],
      [session, "comment_on_issue", { number: 998, body: "x" }, "issue #998"],
      [gitlab, "get_pull_request", { number: 997 }, "merge request !997"],
      [gitlab, "update_issue", { number: 996, state: "closed" }, "issue #996"],
    ] as const) {
      const result = await s.call(tool, args);
      expect(errorOf(result), `${s.environment.provider} ${tool}`).toMatchObject({ code: "scm_item_not_found", message: expect.stringContaining(`has no ${name}`) });
      expect((await activityOf(world, s.environment.id)).at(-1)).toMatchObject({ tool, outcome: "failed", errorCode: "scm_item_not_found" });
    }
  });

  it("a 5xx on a write says the change may exist and to look before retrying; a read's 5xx does not (regression)", async () => {
    await world.sandbox.admin.addFault({ provider: "github", kind: "status", status: 502, method: "POST", path: "/api/v3/repos/proto-owner/app/issues", count: 1 });
    const write = errorOf(await session.call("create_issue", { title: "Maybe" }));
    expect(write).toMatchObject({ code: "provider_error", message: expect.stringMatching(/answered 502 after the request was sent: the issue may or may not exist\. Check list_issues before retrying/) });
    await world.sandbox.admin.addFault({ provider: "github", kind: "status", status: 503, method: "GET", path: "/api/v3/repos/proto-owner/app/issues", count: 1 });
    const read = errorOf(await session.call("list_issues", {}));
    expect(read).toMatchObject({ code: "provider_error" });
    expect(read?.message).not.toMatch(/may or may not/);
  });

  it("a call the client cancels is answered and recorded as operation_cancelled, not operation_aborted (regression)", async () => {
    // Over stdio (here: in memory) the client's cancellation reaches the running call.
    const plane = createAgentToolsPlane({ url: world.api.url, accessToken: world.runner.accessToken });
    const server = createAgentToolsServer({ environment: session.environment, plane, keys: world.runner.keys, runnerId: world.runner.runnerId, timeoutMs: 30_000 });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: "cancel-test", version: "1.0.0" });
    await client.connect(clientSide);
    try {
      await world.sandbox.admin.addFault({ provider: "github", kind: "hang", method: "POST", path: "/api/v3/repos/proto-owner/app/issues", count: 1 });
      const controller = new AbortController();
      const pending = client.callTool({ name: "create_issue", arguments: { title: "Cancelled" } }, undefined, { signal: controller.signal });
      await until("the provider request", () => world.sandbox.admin.requests({ provider: "github" }).find((r) => r.fault === "hang"));
      controller.abort("the user stopped it");
      await expect(pending).rejects.toThrow();
      const row = await until("the recorded outcome", async () => (await activityOf(world, session.environment.id)).find((a) => a.tool === "create_issue" && a.outcome !== "pending" && a.errorCode === "operation_cancelled"));
      expect(row).toMatchObject({ outcome: "failed", errorCode: "operation_cancelled" });
    } finally {
      await client.close();
      await server.close();
    }
  });

  it("no answer carries the owner's token", () => {
    expect(session.transcript.length).toBeGreaterThan(5);
    const all = JSON.stringify([...session.transcript, ...gitlab.transcript]);
    for (const token of tokens) expect(all).not.toContain(token);
  });
});
