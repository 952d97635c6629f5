import fs from "node:fs";

/** Pids of `pid` and all its descendants, read from /proc (Linux). */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // Field 4 (ppid) follows the parenthesised command name, which may itself contain spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      /* the process exited while we looked */
    }
  }
  const out: number[] = [];
  const stack = [pid];
  while (stack.length > 0) {
    const p = stack.pop()!;
    out.push(p);
    stack.push(...(children.get(p) ?? []));
  }
  return out;
}

/** VmRSS of one process in bytes (0 if it is gone). */
function rssOf(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Resident memory of a process tree: the sum of each member's VmRSS, and how many processes that is. */
export function treeRss(pid: number): { bytes: number; processes: number } {
  const pids = processTree(pid);
  return { bytes: pids.reduce((sum, p) => sum + rssOf(p), 0), processes: pids.length };
}

export const mib = (bytes: number) => bytes / 1024 / 1024;

/** Clock ticks per second in /proc/<pid>/stat (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** CPU time (user + system) a process tree has used so far, in milliseconds. */
export function treeCpuMs(pid: number): number {
  let ticks = 0;
  for (const p of processTree(pid)) {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // utime and stime are fields 14 and 15 of the line, 12 and 13 after the command name.
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      /* gone */
    }
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/**
 * Share of the last minute in which some runnable task waited for a CPU (Linux PSI, 0–100), or
 * null where /proc/pressure is missing. High values mean other work on the machine skews timings.
 */
export function cpuPressure(): number | null {
  try {
    const match = /^some avg10=[\d.]+ avg60=([\d.]+)/m.exec(fs.readFileSync("/proc/pressure/cpu", "utf8"));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}
