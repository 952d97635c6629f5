import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyStandaloneBuild, startStandalone, type StandaloneServer } from "@/tests/helpers/standalone-server";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };

/**
 * The production output as a deployment gets it: the standalone directory copied away from the
 * checkout (so no node_modules of the repository can be found by walking up), started with plain
 * `node server.js` and nothing but its own files and production dependencies.
 */
describe("the production output, away from the checkout", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "scm-standalone-"));
  const appDir = path.join(root, "app");
  let server: StandaloneServer;

  beforeAll(async () => {
    if (!copyStandaloneBuild(appDir).current) console.warn("standalone: the production build is older than the sources; `npm run build` to test the current code");
    server = await startStandalone(appDir, { DATA_DIR: path.join(root, "data"), PUBLIC_BASE_URL: "http://localhost:3000" });
  }, 240_000);

  afterAll(async () => {
    await server?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("ships production dependencies alone, and none of the sources", () => {
    // A run-time path the tracer cannot resolve makes it copy the whole project (sources, tests, .data).
    expect(fs.readdirSync(appDir).filter((name) => name !== "public").sort()).toEqual([".next", "db", "dist", "node_modules", "package.json", "server.js"]);
    const shipped = fs.readdirSync(path.join(appDir, "node_modules")).flatMap((name) => (name.startsWith("@") ? fs.readdirSync(path.join(appDir, "node_modules", name)).map((sub) => `${name}/${sub}`) : [name]));
    for (const dev of Object.keys(pkg.devDependencies)) expect(shipped, `${dev} is a dev dependency`).not.toContain(dev);
    expect(shipped).toEqual(expect.arrayContaining(["next", "react", "@electric-sql/pglite", "postgres"]));
    // Its files resolve to themselves: no link points back into the checkout.
    const links = fs.readdirSync(path.join(appDir, "node_modules"), { recursive: true, withFileTypes: true }).filter((e) => e.isSymbolicLink());
    for (const link of links) expect(path.resolve(link.parentPath, fs.readlinkSync(path.join(link.parentPath, link.name)))).toContain(appDir);
  });

  it("migrates a fresh embedded database and serves the sign-in flow: first-run setup, then the sign-in page", async () => {
    const first = await fetch(`${server.url}/login`, { redirect: "manual" });
    expect(first.status).toBe(307);
    expect(first.headers.get("location")).toMatch(/\/setup$/);
    const setup = await fetch(`${server.url}/setup`);
    expect(setup.status).toBe(200);
    const html = await setup.text();
    expect(html).toContain("<form");
    expect(html).toMatch(/type="password"/);
    expect(fs.existsSync(path.join(root, "data"))).toBe(true);
    // Static assets are part of the output.
    const script = /<script src="([^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeTruthy();
    expect((await fetch(`${server.url}${script}`)).status).toBe(200);
  });

  it("serves the runner artifact of its own version", async () => {
    const manifest = await fetch(`${server.url}/downloads/scm-runner.json`);
    expect(manifest.status).toBe(200);
    const described = (await manifest.json()) as { version: string; file: string; sha256: string; url: string };
    expect(described).toMatchObject({ version: pkg.version, file: `scm-runner-${pkg.version}.tgz`, url: `/downloads/scm-runner-${pkg.version}.tgz` });
    const archive = await fetch(`${server.url}${described.url}`);
    expect(archive.status).toBe(200);
    expect(archive.headers.get("x-checksum-sha256")).toBe(described.sha256);
    const bytes = Buffer.from(await archive.arrayBuffer());
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    const { createHash } = await import("node:crypto");
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(described.sha256);
    const other = await fetch(`${server.url}/downloads/scm-runner-0.0.1.tgz`);
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ error: { code: "not_found" } });
  });
});
