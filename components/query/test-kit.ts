import http from "node:http";
import type { AddressInfo } from "node:net";
import { cleanup } from "@testing-library/react";
import { afterAll, afterEach, beforeAll } from "vitest";
import { timeoutManager, type ManagedTimerId, type TimeoutCallback, type TimeoutProvider } from "@tanstack/react-query";
import { AppRouterContext, type AppRouterInstance } from "next/dist/shared/lib/app-router-context.shared-runtime";
import { createElement, type ReactNode } from "react";
import { ToastProvider } from "@/components/ui/toast";
import { getQueryClient } from "./client";

/** One scripted answer of the test server: a status and a JSON body. */
export type Answer = { status: number; body: unknown };

/**
 * A real HTTP server for component tests of live parts: each GET path answers from its script in
 * order, the last answer repeating; every request is recorded. The page under test is put on its
 * origin, so the components' relative `fetch` reaches it as in a browser.
 */
export class ScriptedServer {
  readonly requests: string[] = [];
  private readonly scripts = new Map<string, Answer[]>();
  private server: http.Server | null = null;

  /** What `path` (without its query string) answers from now on, in order. */
  answer(path: string, ...answers: Answer[]): void {
    this.scripts.set(path, [...answers]);
  }

  /** Forgets the requests and scripts so far (between tests). */
  reset(): void {
    this.requests.length = 0;
    this.scripts.clear();
  }

  /** How many requests reached `path` (query string ignored). */
  count(path: string): number {
    return this.requests.filter((r) => r.split("?")[0] === path).length;
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const url = req.url ?? "/";
      this.requests.push(url);
      const script = this.scripts.get(url.split("?")[0]!);
      const answer = script && script.length > 1 ? script.shift()! : (script?.[0] ?? { status: 404, body: { error: { code: "not_found" } } });
      res.writeHead(answer.status, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${base}/`);
    return base;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * react-query's polling intervals under the test's control: an interval runs only when `tick()`
 * says so, and which intervals are still scheduled can be read. Timeouts (retries, garbage
 * collection) stay real. Installed with `install()`, before anything is rendered.
 */
export class ManualIntervals implements TimeoutProvider<ManagedTimerId> {
  private next = 1;
  private readonly intervals = new Map<number, { callback: TimeoutCallback; delay: number }>();

  readonly setTimeout = (callback: TimeoutCallback, delay: number): ManagedTimerId => globalThis.setTimeout(callback, delay) as unknown as ManagedTimerId;
  readonly clearTimeout = (id: ManagedTimerId | undefined): void => globalThis.clearTimeout(id as unknown as ReturnType<typeof globalThis.setTimeout>);
  readonly setInterval = (callback: TimeoutCallback, delay: number): ManagedTimerId => {
    const id = this.next++;
    this.intervals.set(id, { callback, delay });
    return id;
  };
  readonly clearInterval = (id: ManagedTimerId | undefined): void => {
    if (id !== undefined) this.intervals.delete(Number(id));
  };

  install(): this {
    timeoutManager.setTimeoutProvider(this);
    return this;
  }

  /** The delays of the intervals still scheduled: empty once every live part stopped polling. */
  scheduled(): number[] {
    return [...this.intervals.values()].map((i) => i.delay);
  }

  /** Runs every scheduled interval once, as if its delay had passed. */
  tick(): void {
    for (const { callback } of [...this.intervals.values()]) callback();
  }
}

/**
 * Resolves once no live query is fetching. Call it after a request reached the server and before
 * `ManualIntervals.tick()`: an interval that fires while its query's request is still in flight
 * joins that request instead of asking again, so the next scripted answer would never be asked for.
 */
export function untilIdle(): Promise<void> {
  const client = getQueryClient();
  if (client.isFetching() === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const unsubscribe = client.getQueryCache().subscribe(() => {
      if (client.isFetching() > 0) return;
      unsubscribe();
      resolve();
    });
  });
}

/** Forgets every query of the tab's client between tests. */
export function resetLiveQueries(): void {
  getQueryClient().clear();
}

/** A router that records what the component asked of it (`refresh`, `push /path`, ...). */
export function recordingRouter(): { router: AppRouterInstance; calls: string[] } {
  const calls: string[] = [];
  const router: AppRouterInstance = {
    back: () => calls.push("back"),
    forward: () => calls.push("forward"),
    refresh: () => calls.push("refresh"),
    push: (href) => calls.push(`push ${href}`),
    replace: (href) => calls.push(`replace ${href}`),
    prefetch: () => undefined,
    bfcacheId: "test",
  };
  return { router, calls };
}

/** `node` as the App Router renders it: under a router (`recordingRouter`) and the toasts' provider. */
export function inApp(router: AppRouterInstance, node: ReactNode): ReactNode {
  return createElement(AppRouterContext.Provider, { value: router }, createElement(ToastProvider, null, node));
}

/**
 * The hooks every component test of a live part needs around a scripted server: start it once,
 * and after each test unmount what was rendered, forget the live queries and the scripts.
 */
export function serveScripted(server: ScriptedServer): void {
  beforeAll(() => server.start());
  afterAll(() => server.close());
  afterEach(() => {
    cleanup();
    resetLiveQueries();
    server.reset();
  });
}
