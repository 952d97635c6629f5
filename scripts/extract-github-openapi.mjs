#!/usr/bin/env node
/**
 * Extracts the GitHub REST operations the provider sandbox serves from GitHub's official
 * OpenAPI description (`@octokit/openapi`) into a small committed file,
 * `sandbox/github-openapi.generated.json`, which the sandbox's response validator reads.
 *
 * Why: the full package unpacks to ~385 MB; the sandbox needs ~20 operations.
 *
 * Regenerate (never install the package into the repository):
 *
 *   npm install --prefix /tmp/octokit-openapi @octokit/openapi@23.0.2
 *   node scripts/extract-github-openapi.mjs /tmp/octokit-openapi/node_modules/@octokit/openapi
 *
 * When the sandbox starts serving a new GitHub endpoint, add it to OPERATIONS below and rerun.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const OPENAPI_VERSION = "23.0.2";

/** `METHOD path` pairs exactly as they appear in the description. */
export const OPERATIONS = [
  "GET /user",
  "GET /user/repos",
  "GET /rate_limit",
  "GET /repos/{owner}/{repo}",
  "GET /repos/{owner}/{repo}/branches",
  "GET /repos/{owner}/{repo}/branches/{branch}",
  "GET /repos/{owner}/{repo}/pulls",
  "POST /repos/{owner}/{repo}/pulls",
  "GET /repos/{owner}/{repo}/pulls/{pull_number}",
  "PATCH /repos/{owner}/{repo}/pulls/{pull_number}",
  "GET /repos/{owner}/{repo}/pulls/{pull_number}/comments",
  "POST /repos/{owner}/{repo}/pulls/{pull_number}/comments",
  "GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews",
  "POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews",
  "GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}",
  "GET /repos/{owner}/{repo}/issues",
  "POST /repos/{owner}/{repo}/issues",
  "GET /repos/{owner}/{repo}/issues/{issue_number}",
  "PATCH /repos/{owner}/{repo}/issues/{issue_number}",
  "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
  "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
  "POST /applications/{client_id}/token",
  "DELETE /applications/{client_id}/token",
  "DELETE /applications/{client_id}/grant",
  "GET /repos/{owner}/{repo}/pulls/{pull_number}/files",
  "POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers",
  "POST /repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies",
  "POST /repos/{owner}/{repo}/statuses/{sha}",
  "GET /repos/{owner}/{repo}/commits/{ref}/status",
  "GET /repos/{owner}/{repo}/commits/{ref}/check-runs",
  "GET /search/issues",
  "GET /repos/{owner}/{repo}/labels",
  "GET /repos/{owner}/{repo}/assignees",
  "GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}/comments",
];

/** Keys that only document; dropping them keeps the file small and changes no validation. */
const DROP_KEYS = new Set(["description", "example", "examples", "summary", "externalDocs"]);

function strip(value) {
  if (Array.isArray(value)) return value.map(strip);
  if (value && typeof value === "object") {
    const out = {};
    for (const [key, inner] of Object.entries(value)) {
      if (DROP_KEYS.has(key) || key.startsWith("x-")) continue;
      out[key] = strip(inner);
    }
    return out;
  }
  return value;
}

function pointer(doc, ref) {
  if (!ref.startsWith("#/")) throw new Error(`external $ref not supported: ${ref}`);
  let node = doc;
  for (const part of ref.slice(2).split("/")) {
    node = node?.[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  if (node === undefined) throw new Error(`unresolved $ref ${ref}`);
  return node;
}

/** Collects every `#/components/schemas/*` reachable from `value`. */
function collectSchemaRefs(doc, value, seen) {
  if (Array.isArray(value)) {
    for (const item of value) collectSchemaRefs(doc, item, seen);
    return;
  }
  if (!value || typeof value !== "object") return;
  if (typeof value.$ref === "string" && value.$ref.startsWith("#/components/schemas/")) {
    const name = value.$ref.slice("#/components/schemas/".length);
    if (!seen.has(name)) {
      seen.add(name);
      collectSchemaRefs(doc, pointer(doc, value.$ref), seen);
    }
  }
  for (const [key, inner] of Object.entries(value)) {
    if (key !== "$ref") collectSchemaRefs(doc, inner, seen);
  }
}

function main() {
  const pkgDir = process.argv[2] ?? "/tmp/octokit-openapi/node_modules/@octokit/openapi";
  const pkg = JSON.parse(readFileSync(path.join(pkgDir, "package.json"), "utf8"));
  if (pkg.version !== OPENAPI_VERSION) {
    throw new Error(`expected @octokit/openapi ${OPENAPI_VERSION}, found ${pkg.version}`);
  }
  const doc = JSON.parse(readFileSync(path.join(pkgDir, "generated/api.github.com.json"), "utf8"));
  const operations = {};
  const schemaNames = new Set();
  for (const key of OPERATIONS) {
    const [method, route] = key.split(" ");
    const op = doc.paths[route]?.[method.toLowerCase()];
    if (!op) throw new Error(`operation not in the description: ${key}`);
    const responses = {};
    for (const [status, raw] of Object.entries(op.responses)) {
      const response = raw.$ref ? pointer(doc, raw.$ref) : raw;
      const schema = response.content?.["application/json"]?.schema ?? null;
      responses[status] = { schema: schema ? strip(schema) : null };
      if (schema) collectSchemaRefs(doc, schema, schemaNames);
    }
    operations[key] = { operationId: op.operationId, responses };
  }
  const schemas = {};
  for (const name of [...schemaNames].sort()) schemas[name] = strip(doc.components.schemas[name]);
  const out = {
    source: `@octokit/openapi@${pkg.version} generated/api.github.com.json (OpenAPI ${doc.openapi}, ${doc.info.version})`,
    regenerate: "node scripts/extract-github-openapi.mjs <path to an @octokit/openapi install>",
    operations,
    components: { schemas },
  };
  const here = path.dirname(fileURLToPath(import.meta.url));
  const target = path.join(here, "..", "sandbox", "github-openapi.generated.json");
  const text = `${JSON.stringify(out, null, 1)}\n`;
  writeFileSync(target, text);
  console.log(`wrote ${target}: ${OPERATIONS.length} operations, ${schemaNames.size} schemas, ${(text.length / 1024).toFixed(0)} kB`);
}

main();
