import fs from "node:fs";
import path from "node:path";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

let held: Promise<() => void> | undefined;

/**
 * One benchmark process at a time per checkout: they share `.next-bench` (a second one could
 * rebuild it under the first one's server) and two at once on 2 cores would skew each other's
 * timings. The lock is a directory (mkdir is atomic) holding the owner's pid; a dead owner's lock
 * is taken over; a live owner is waited for. Taken once per process (later calls share it) and
 * released by the returned function or when the process exits.
 */
export function acquireBenchLock(root: string, log: (m: string) => void): Promise<() => void> {
  held ??= lock(root, log).catch((e: unknown) => {
    held = undefined;
    throw e;
  });
  return held;
}

async function lock(root: string, log: (m: string) => void): Promise<() => void> {
  const dir = path.join(root, ".next-bench-lock");
  const owner = path.join(dir, "pid");
  let told = false;
  for (;;) {
    try {
      fs.mkdirSync(dir);
      fs.writeFileSync(owner, String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const pid = Number(fs.existsSync(owner) ? fs.readFileSync(owner, "utf8") : NaN);
    // No pid file long after mkdir: its owner died in between.
    const orphaned = Number.isNaN(pid) && Date.now() - (fs.statSync(dir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 10_000;
    if (orphaned || (Number.isInteger(pid) && pid > 0 && !alive(pid))) {
      log(`removing a stale benchmark lock${orphaned ? "" : ` left by pid ${pid}`}`);
      fs.rmSync(dir, { recursive: true, force: true });
      continue;
    }
    if (!told) {
      log(`another benchmark run (pid ${Number.isNaN(pid) ? "starting" : pid}) holds ${path.relative(root, dir)}: waiting for it`);
      told = true;
    }
    await sleep(1_000);
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    held = undefined;
    process.off("exit", release);
    if (fs.existsSync(owner) && fs.readFileSync(owner, "utf8") === String(process.pid)) fs.rmSync(dir, { recursive: true, force: true });
  };
  process.on("exit", release);
  return release;
}
