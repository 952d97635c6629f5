import type { ChildProcess } from "node:child_process";

/**
 * Git child processes still running, per sandbox (keyed by the sandbox's git HOME). A sandbox
 * kills its own on close: a leftover `git http-backend` would hold the temp dir open and keep
 * the test runner alive.
 */
const live = new Map<string, Set<ChildProcess>>();

/** Remembers a child until it exits. */
export function trackChild(owner: string, child: ChildProcess): void {
  let set = live.get(owner);
  if (!set) {
    set = new Set();
    live.set(owner, set);
  }
  const children = set;
  children.add(child);
  child.once("exit", () => children.delete(child));
  child.once("error", () => children.delete(child));
}

/** Kills every child of one sandbox and waits until they have exited. */
export async function stopChildren(owner: string): Promise<void> {
  const children = live.get(owner);
  live.delete(owner);
  if (!children) return;
  await Promise.all(
    [...children].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill("SIGKILL");
        }),
    ),
  );
}
