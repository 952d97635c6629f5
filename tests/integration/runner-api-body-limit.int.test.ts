import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { handleRunnerRequest } from "@/lib/runners/api/handle-runner-request";
import { RUNNER_API_PATH } from "@/lib/runners/protocol";
import { startRunnerApiServer, type RunnerApiServer } from "../helpers/runner-api-server";
import { testEngines } from "../helpers/test-database";

const LIMIT = 256 * 1024;
const CHUNK = 16 * 1024;

/** A body of `total` bytes handed out one chunk per pull, counting what the reader took. */
function countingBody(total: number): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (pulled >= total) return controller.close();
        const n = Math.min(CHUNK, total - pulled);
        pulled += n;
        controller.enqueue(new Uint8Array(n).fill(0x20));
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulled: () => pulled };
}

// Regression: the runner API read a whole chunked body into memory before applying its 256 KB limit.
describe.each(testEngines())("runner API body limit on $name", (engine) => {
  let database: Database;
  let api: RunnerApiServer;
  beforeAll(async () => {
    database = await engine.open();
    api = await startRunnerApiServer(database);
  });
  afterAll(async () => {
    await api.close();
    await database.close();
  });

  async function send(body: { stream: ReadableStream<Uint8Array> }, headers: Record<string, string> = {}) {
    const request = new Request(`http://plane.test${RUNNER_API_PATH}/register`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: body.stream,
      duplex: "half",
    } as RequestInit);
    const response = await handleRunnerRequest(request, ["register"], { database });
    return { status: response.status, body: (await response.json()) as { error: { code: string; message: string } } };
  }

  it("refuses a chunked body of several MB with 413 after reading no more than the limit", async () => {
    const body = countingBody(8 * 1024 * 1024);
    const res = await send(body);
    expect(body.pulled()).toBeLessThanOrEqual(LIMIT + CHUNK);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("payload_too_large");
    expect(res.body.error.message).toContain(`${LIMIT} bytes`);
  });

  it("does not trust a Content-Length that understates the body", async () => {
    const body = countingBody(8 * 1024 * 1024);
    const res = await send(body, { "content-length": "20" });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("payload_too_large");
    expect(body.pulled()).toBeLessThanOrEqual(LIMIT + CHUNK);
  });

  it("refuses a declared Content-Length over the limit before reading any of the body", async () => {
    const body = countingBody(LIMIT + 1);
    const res = await send(body, { "content-length": String(LIMIT + 1) });
    expect(res.status).toBe(413);
    expect(body.pulled()).toBe(0);
  });

  it("still reads a body under the limit in full (a bad registration is a validation error, not a size error)", async () => {
    const res = await send({ stream: new Blob([JSON.stringify({ registrationToken: "x".repeat(200 * 1024) })]).stream() });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("validation_failed");
  });

  it("answers 413 over real HTTP to a chunked upload without Content-Length", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${api.url}${RUNNER_API_PATH}/register`, { method: "POST", headers: { "content-type": "application/json", "transfer-encoding": "chunked" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < 20 * 1024 * 1024) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once("drain", pump);
        }
        req.end();
      };
      req.on("response", () => req.destroy());
      pump();
    });
    expect(status).toBe(413);
  });
});
