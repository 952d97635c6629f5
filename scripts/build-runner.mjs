#!/usr/bin/env node
// Builds the runner artifact: one bundled file that runs with plain Node 20 (no checkout of this
// project, no node_modules), the git credential helper it installs for environments, a systemd
// unit, and a package.json with a `bin`, in dist/runner/scm-runner/ and as the versioned archive
// dist/runner/scm-runner-<version>.tgz that the management plane serves (npm-pack layout, so
// `npm install -g <url>` works as well as `tar -xz`).
//
//   node scripts/build-runner.mjs [--out DIR]
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { RUNNER_SOURCES, sourceHash, stamp } from "./lib/build-state.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({ options: { out: { type: "string" } } });
const outDir = path.resolve(values.out ?? path.join(root, "dist", "runner"));
const { version } = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
const packageDir = path.join(outDir, "scm-runner");
const archive = path.join(outDir, `scm-runner-${version}.tgz`);
const hash = sourceHash(RUNNER_SOURCES);

fs.rmSync(packageDir, { recursive: true, force: true });
fs.mkdirSync(packageDir, { recursive: true });

await build({
  entryPoints: [path.join(root, "runner", "cli.ts")],
  outfile: path.join(packageDir, "scm-runner.mjs"),
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  tsconfig: path.join(root, "tsconfig.json"),
  define: { __SCM_RUNNER_BUILD__: JSON.stringify({ version, command: "scm-runner" }) },
  // Bundled CommonJS dependencies call require(); an ES module has none of its own.
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __scmCreateRequire } from 'node:module';\nconst require = __scmCreateRequire(import.meta.url);" },
  legalComments: "linked",
  logLevel: "warning",
});
fs.chmodSync(path.join(packageDir, "scm-runner.mjs"), 0o755);

for (const name of ["credential-helper.sh", "credential-helper.mjs"]) {
  fs.copyFileSync(path.join(root, "runner", "git", name), path.join(packageDir, name));
  fs.chmodSync(path.join(packageDir, name), 0o755);
}

fs.writeFileSync(
  path.join(packageDir, "package.json"),
  JSON.stringify(
    {
      name: "scm-runner",
      version,
      description: "The runner of the SCM integration: holds Git credentials, clones environments, serves agent SCM tools.",
      type: "module",
      bin: { "scm-runner": "scm-runner.mjs" },
      engines: { node: ">=20.9" },
      files: ["scm-runner.mjs", "scm-runner.mjs.LEGAL.txt", "credential-helper.sh", "credential-helper.mjs", "scm-runner.service", "README.md"],
    },
    null,
    2,
  ) + "\n",
);

fs.writeFileSync(
  path.join(packageDir, "scm-runner.service"),
  `# systemd unit for a runner installed from the artifact (see README.md beside this file).
# Install: cp scm-runner.service /etc/systemd/system/ && systemctl daemon-reload && systemctl enable --now scm-runner
[Unit]
Description=SCM integration runner
After=network-online.target
Wants=network-online.target

[Service]
# As root, so that each environment gets an OS user of its own (isolation).
ExecStart=/usr/bin/env scm-runner start --data-dir /var/lib/scm-runner
Restart=on-failure
RestartSec=5
# Running jobs get 5 s to finish on stop, then go back to the plane for a retry.
TimeoutStopSec=15
# Exit 4: the plane refused the access token (runner deleted or registered elsewhere): register again.
RestartPreventExitStatus=2 3 4

[Install]
WantedBy=multi-user.target
`,
);

fs.writeFileSync(
  path.join(packageDir, "README.md"),
  `# scm-runner ${version}

The runner of the SCM integration. It needs Node 20.9 or newer and git, and nothing else.

    scm-runner register --url https://scm.example.com --token scmr_reg_...   # token from Settings > Runners
    scm-runner start          # keep it running (see scm-runner.service for systemd)
    scm-runner status         # registration, process, isolation, whether the plane accepts it
    scm-runner version

Run as root, it gives every environment a Unix user of its own; its data directory is then
/var/lib/scm-runner (else ~/.local/share/scm-runner; --data-dir to choose). Upgrading: install the
new version over this one and restart; environments keep working (their credential helper is
installed in the data directory, not here).
`,
);

// npm-pack layout: every file under package/, owned by nobody in particular, reproducible order.
const staging = fs.mkdtempSync(path.join(outDir, ".pack-"));
try {
  fs.cpSync(packageDir, path.join(staging, "package"), { recursive: true });
  fs.rmSync(archive, { force: true });
  const tar = spawnSync("tar", ["--sort=name", "--owner=0", "--group=0", "--numeric-owner", "-czf", archive, "-C", staging, "package"], { stdio: "inherit" });
  if (tar.status !== 0) throw new Error(`tar failed (exit ${tar.status})`);
} finally {
  fs.rmSync(staging, { recursive: true, force: true });
}

stamp(outDir, hash);
const sha256 = crypto.createHash("sha256").update(fs.readFileSync(archive)).digest("hex");
fs.writeFileSync(path.join(outDir, "manifest.json"), JSON.stringify({ version, file: path.basename(archive), sha256, size: fs.statSync(archive).size }, null, 2) + "\n");
console.log(`Runner artifact ${version}: ${path.relative(process.cwd(), archive) || archive} (${(fs.statSync(archive).size / 1024).toFixed(0)} KiB, sha256 ${sha256})`);
