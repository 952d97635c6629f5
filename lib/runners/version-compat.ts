/**
 * Whether a runner's version goes with the plane's. Both come from the project's version
 * (`package.json`); the runner API changes only with the minor version while the major is 0, and
 * with the major after that, so those differences matter and a patch difference does not.
 */
export type VersionCompatibility =
  | { status: "same" }
  /** Only the patch differs: everything works; the plane serves the matching runner to upgrade to. */
  | { status: "patch_differs"; message: string }
  /** The runner API may differ: jobs the plane sends can fail on this runner, or the reverse. */
  | { status: "incompatible"; message: string };

type Parsed = { major: number; minor: number; patch: number };

function parse(version: string): Parsed | null {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/.exec(version.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) } : null;
}

/** The part of a version the runner API follows: `0.4` while the major is 0, else `2`. */
function apiLine(v: Parsed): string {
  return v.major === 0 ? `0.${v.minor}` : String(v.major);
}

export function versionCompatibility(runnerVersion: string | null | undefined, planeVersion: string): VersionCompatibility {
  if (!runnerVersion || runnerVersion === planeVersion) return { status: "same" };
  const runner = parse(runnerVersion);
  const plane = parse(planeVersion);
  const upgrade = `Install runner ${planeVersion} from Settings > Runners (the plane serves it) and restart the runner; its environments keep working.`;
  if (!runner || !plane || apiLine(runner) !== apiLine(plane)) {
    return { status: "incompatible", message: `Runner ${runnerVersion} and management plane ${planeVersion} speak different versions of the runner API: jobs can fail. ${upgrade}` };
  }
  return { status: "patch_differs", message: `Runner ${runnerVersion} differs from the management plane's ${planeVersion} only by its patch version: it works. ${upgrade}` };
}
