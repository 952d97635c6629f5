import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ErrorObject, ValidateFunction } from "ajv";

/**
 * Validates GitHub responses against GitHub's official OpenAPI description, as extracted into
 * `sandbox/github-openapi.generated.json` by `scripts/extract-github-openapi.mjs`.
 *
 * OpenAPI 3.0 is not quite JSON Schema, so schemas are adapted first: `nullable: true` becomes a
 * `null` alternative, and a `oneOf` with a `discriminator` mapping becomes if/then branches on the
 * discriminator property (Ajv's own discriminator support needs `const`s GitHub does not declare).
 */
interface GeneratedSpec {
  operations: Record<string, { operationId: string; responses: Record<string, { schema: unknown }> }>;
  components: { schemas: Record<string, unknown> };
}

export interface ResponseValidator {
  /** The `METHOD /template` of the operation serving this request, or null. */
  operationFor(method: string, path: string): string | null;
  /** Error messages; empty when valid or when the status has no schema to check. */
  validate(method: string, path: string, status: number, body: unknown): { operation: string | null; errors: string[] };
}

const SCHEMA_PREFIX = "#/components/schemas/";

/**
 * Each component schema is registered under its own id, so Ajv compiles it once and every
 * operation's validator calls it (compiling them per operation cost seconds per test file).
 */
function refId(ref: string): string {
  return ref.startsWith(SCHEMA_PREFIX) ? `github:${ref.slice(SCHEMA_PREFIX.length)}` : ref;
}

function adapt(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(adapt);
  if (!node || typeof node !== "object") return node;
  const source = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === "nullable" || key === "discriminator") continue;
    if (key === "$ref" && typeof value === "string" && value.startsWith("#/")) {
      out.$ref = refId(value);
      continue;
    }
    out[key] = adapt(value);
  }
  const discriminator = source.discriminator as { propertyName?: string; mapping?: Record<string, string> } | undefined;
  if (discriminator?.mapping && Array.isArray(source.oneOf) && discriminator.propertyName) {
    const prop = discriminator.propertyName;
    delete out.oneOf;
    out.anyOf = Object.values(discriminator.mapping).map((ref) => ({ $ref: refId(ref) }));
    out.allOf = Object.entries(discriminator.mapping).map(([value, ref]) => ({
      if: { properties: { [prop]: { const: value } }, required: [prop] },
      then: { $ref: refId(ref) },
    }));
  }
  if (source.nullable === true) {
    if (typeof out.type === "string") {
      out.type = [out.type, "null"];
      if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
      return out;
    }
    return { anyOf: [out, { type: "null" }] };
  }
  return out;
}

function templateRegex(template: string): RegExp {
  const pattern = template
    .split("/")
    .map((segment) => (segment.startsWith("{") ? "[^/]+" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("/");
  return new RegExp(`^${pattern}$`);
}

function format(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).slice(0, 20).map((e) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}${e.params ? ` ${JSON.stringify(e.params)}` : ""}`);
}

/** The generated extract of GitHub's OpenAPI description, next to the sandbox sources. */
function specPath(): string {
  return path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "github-openapi.generated.json");
}

/** Builds the validator (Ajv is loaded lazily: only sandboxes that validate need it). */
export function createGithubValidator(specFile = specPath()): ResponseValidator {
  const require = createRequire(import.meta.url);
  const AjvModule = require("ajv") as { default: new (opts: object) => import("ajv").default };
  const addFormats = (require("ajv-formats") as { default: (ajv: import("ajv").default) => void }).default;
  const spec = JSON.parse(readFileSync(specFile, "utf8")) as GeneratedSpec;
  const ajv = new AjvModule.default({ strict: false, allErrors: true, validateFormats: true, inlineRefs: false, validateSchema: false });
  addFormats(ajv);
  for (const [name, schema] of Object.entries(spec.components.schemas)) {
    ajv.addSchema({ ...(adapt(schema) as object), $id: `github:${name}` });
  }
  const ops = Object.entries(spec.operations).map(([key, op]) => {
    const [method = "", template = ""] = key.split(" ");
    return { key, method, regex: templateRegex(template), literal: !template.includes("{"), op };
  });
  // Literal paths win over templated ones (`/user/repos` before `/user/{x}`).
  ops.sort((a, b) => Number(b.literal) - Number(a.literal));
  const compiled = new Map<string, ValidateFunction>();

  function operationFor(method: string, rawPath: string): string | null {
    const pathOnly = rawPath.split("?")[0] ?? rawPath;
    return ops.find((o) => o.method === method.toUpperCase() && o.regex.test(pathOnly))?.key ?? null;
  }

  return {
    operationFor,
    validate(method, rawPath, status, body) {
      const key = operationFor(method, rawPath);
      if (!key) return { operation: null, errors: [] };
      const op = spec.operations[key];
      const response = op?.responses[String(status)] ?? op?.responses.default;
      if (!response) {
        return status < 300
          ? { operation: key, errors: [`status ${status} is not documented for ${key}`] }
          : { operation: key, errors: [] };
      }
      if (response.schema === null) return { operation: key, errors: [] };
      const cacheKey = `${key} ${status}`;
      let validateFn = compiled.get(cacheKey);
      if (!validateFn) {
        validateFn = ajv.compile(adapt(response.schema) as object);
        compiled.set(cacheKey, validateFn);
      }
      return validateFn(body) ? { operation: key, errors: [] } : { operation: key, errors: format(validateFn.errors) };
    },
  };
}
