import { afterAll, beforeAll } from "vitest";
import { startSandbox, type Sandbox, type SandboxOptions } from "@/sandbox";
import { removeTempDirs } from "./fixtures";
import { killAllRunners } from "./runner-process";

/**
 * One provider sandbox for a test file's runner processes: started before its tests (handed to
 * `started`), and afterwards every runner process the file spawned, the sandbox and the temporary
 * data directories go.
 */
export function sandboxForFile(options: SandboxOptions, started: (sandbox: Sandbox) => void): void {
  let sandbox: Sandbox | undefined;
  beforeAll(async () => {
    sandbox = await startSandbox(options);
    started(sandbox);
  });
  afterAll(async () => {
    await killAllRunners();
    await sandbox?.close();
    removeTempDirs();
  });
}
