import { mkdir } from "node:fs/promises";
import { runGit } from "./run-git";

export interface SeedSpec {
  defaultBranch: string;
  files: Record<string, string>;
  /** Generated files for benchmarks: `count` files of about `bytes` bytes under `generated/`. */
  generatedFiles?: { count: number; bytes?: number };
  /** Extra branches, each one commit on top of the default branch changing `files`. */
  branches?: { name: string; files: Record<string, string>; message?: string }[];
  author: { name: string; email: string };
}

function dataBlock(content: Buffer): Buffer[] {
  return [Buffer.from(`data ${content.length}\n`), content, Buffer.from("\n")];
}

function fileLines(files: Record<string, string>): Buffer[] {
  const out: Buffer[] = [];
  for (const [path, content] of Object.entries(files)) {
    out.push(Buffer.from(`M 100644 inline ${path}\n`), ...dataBlock(Buffer.from(content, "utf8")));
  }
  return out;
}

/** Creates a bare repository and fills it in one `git fast-import` run (fast even for 10k files). */
export async function createBareRepo(dir: string, home: string, seed: SeedSpec): Promise<void> {
  await mkdir(dir, { recursive: true });
  await runGit(["init", "--bare", "--quiet", `--initial-branch=${seed.defaultBranch}`, dir], { home });
  await runGit(["config", "http.receivepack", "true"], { cwd: dir, home });
  await runGit(["config", "receive.denyNonFastForwards", "false"], { cwd: dir, home });
  const files = { ...seed.files };
  if (seed.generatedFiles) {
    const size = seed.generatedFiles.bytes ?? 256;
    for (let i = 0; i < seed.generatedFiles.count; i += 1) {
      const name = `generated/${String(Math.floor(i / 1000)).padStart(3, "0")}/file-${String(i).padStart(6, "0")}.txt`;
      const line = `file ${i} of the sandbox benchmark repository\n`;
      files[name] = line.repeat(Math.max(1, Math.ceil(size / line.length))).slice(0, size);
    }
  }
  if (Object.keys(files).length === 0) files["README.md"] = "# Sandbox repository\n";
  const when = Math.floor(Date.now() / 1000);
  const ident = `${seed.author.name} <${seed.author.email}> ${when} +0000`;
  const chunks: Buffer[] = [
    Buffer.from(`commit refs/heads/${seed.defaultBranch}\nmark :1\nauthor ${ident}\ncommitter ${ident}\n`),
    ...dataBlock(Buffer.from("Initial commit\n")),
    ...fileLines(files),
    Buffer.from("\n"),
  ];
  let mark = 2;
  for (const branch of seed.branches ?? []) {
    chunks.push(
      Buffer.from(`commit refs/heads/${branch.name}\nmark :${mark}\nauthor ${ident}\ncommitter ${ident}\n`),
      ...dataBlock(Buffer.from(`${branch.message ?? `Changes on ${branch.name}`}\n`)),
      Buffer.from("from :1\n"),
      ...fileLines(branch.files),
      Buffer.from("\n"),
    );
    mark += 1;
  }
  await runGit(["fast-import", "--quiet"], { cwd: dir, home, input: Buffer.concat(chunks) });
}

export interface BranchRef {
  name: string;
  sha: string;
}

/** Every branch of a bare repository with its tip commit. */
export async function listBranches(dir: string, home: string): Promise<BranchRef[]> {
  const out = await runGit(["for-each-ref", "--format=%(refname:short)%00%(objectname)", "refs/heads"], { cwd: dir, home });
  return out
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [name = "", sha = ""] = line.split("\0");
      return { name, sha };
    });
}

/** The commit a branch points at, or null when it does not exist. */
export async function resolveBranch(dir: string, home: string, branch: string): Promise<string | null> {
  try {
    return (await runGit(["rev-parse", "--verify", "--quiet", `refs/heads/${branch}^{commit}`], { cwd: dir, home })).trim();
  } catch {
    return null;
  }
}

export interface CommitInfo {
  sha: string;
  tree: string;
  parents: string[];
  authorName: string;
  authorEmail: string;
  authoredAt: string;
  committerName: string;
  committerEmail: string;
  committedAt: string;
  message: string;
}

/** One commit's metadata and message. */
export async function commitInfo(dir: string, home: string, rev: string): Promise<CommitInfo> {
  const out = await runGit(["log", "-1", "--format=%H%x00%T%x00%P%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%B", rev, "--"], {
    cwd: dir,
    home,
  });
  const [sha = "", tree = "", parents = "", an = "", ae = "", ad = "", cn = "", ce = "", cd = "", ...rest] = out.split("\0");
  return {
    sha,
    tree,
    parents: parents.split(" ").filter(Boolean),
    authorName: an,
    authorEmail: ae,
    authoredAt: ad,
    committerName: cn,
    committerEmail: ce,
    committedAt: cd,
    message: rest.join("\0").replace(/\n+$/, ""),
  };
}

export interface DiffSummary {
  commits: number;
  files: { path: string; additions: number; deletions: number }[];
}

/** Commit count and per-file line counts between a base and a head. */
export async function diffSummary(dir: string, home: string, base: string, head: string): Promise<DiffSummary> {
  const [count, numstat] = await Promise.all([
    runGit(["rev-list", "--count", `${base}..${head}`], { cwd: dir, home }),
    runGit(["diff", "--numstat", `${base}...${head}`], { cwd: dir, home }),
  ]);
  const files = numstat
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [add = "0", del = "0", ...path] = line.split("\t");
      return { path: path.join("\t"), additions: Number(add) || 0, deletions: Number(del) || 0 };
    });
  return { commits: Number(count.trim()) || 0, files };
}

export interface FileDiff {
  /** The unified diff text for the file, from the first `@@` line. */
  text: string;
  hunks: { header: string; oldStart: number; oldLines: number; newStart: number; newLines: number; body: string[] }[];
}

/** The diff of one file between the merge base of `base` and `head`, or null when unchanged. */
export async function fileDiff(dir: string, home: string, base: string, head: string, path: string): Promise<FileDiff | null> {
  const out = await runGit(["diff", "-U3", `${base}...${head}`, "--", path], { cwd: dir, home });
  const start = out.indexOf("@@");
  if (start < 0) return null;
  const text = out.slice(start);
  const hunks: FileDiff["hunks"] = [];
  for (const line of text.split("\n")) {
    const m = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (m) {
      hunks.push({
        header: line,
        oldStart: Number(m[1]),
        oldLines: m[2] === undefined ? 1 : Number(m[2]),
        newStart: Number(m[3]),
        newLines: m[4] === undefined ? 1 : Number(m[4]),
        body: [],
      });
    } else if (hunks.length > 0 && line !== "") {
      hunks[hunks.length - 1]?.body.push(line);
    }
  }
  return { text, hunks };
}

/** The diff hunk text up to and including `line` on `side`, as GitHub returns in `diff_hunk`. */
export function hunkForLine(diff: FileDiff, line: number, side: "LEFT" | "RIGHT"): string | null {
  for (const hunk of diff.hunks) {
    let oldLine = hunk.oldStart;
    let newLine = hunk.newStart;
    const lines = [hunk.header];
    for (const row of hunk.body) {
      lines.push(row);
      const mark = row[0];
      const hitsRight = mark !== "-" && newLine === line;
      const hitsLeft = mark !== "+" && oldLine === line;
      if ((side === "RIGHT" && hitsRight) || (side === "LEFT" && hitsLeft)) return lines.join("\n");
      if (mark !== "-") newLine += 1;
      if (mark !== "+") oldLine += 1;
    }
  }
  return null;
}

/** The merge base of two commits. */
export async function mergeBase(dir: string, home: string, a: string, b: string): Promise<string> {
  return (await runGit(["merge-base", a, b], { cwd: dir, home })).trim();
}
