import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

// Imports are written `@/<folder>/...` (tsconfig paths) or relative; each rule below matches both.
const FROM_ROOT = String.raw`^(@/|(\.\./)+)`;

/** lib/ is the plane's domain: the runner, the sandbox, scripts and tests build on it, never the other way round. */
const libLayering = {
  regex: `${FROM_ROOT}(runner|sandbox|scripts|tests|e2e|bench)(/|$)`,
  message: "lib/ must not import the runner, the sandbox, scripts or tests: move what both need into lib/, or the caller out of lib/.",
};

/** Only lib/auth and lib/actions may import Next.js, so scripts, tests and the runner can use lib/ without it. */
const libWithoutNext = { group: ["next", "next/*"], message: "Only lib/auth and lib/actions may import Next.js." };

/**
 * The parts of lib/ the runner may use: plane-safe code with no database, no plane configuration
 * and no Next.js (provider metadata, error codes, sealing, the job and agent protocols, the log
 * redactor). Type-only imports are allowed from anywhere: they leave nothing in the artifact.
 */
const RUNNER_LIB_ALLOWED = [
  "providers(/.*)?",
  "errors/[a-z-]+",
  "crypto/[a-z-]+",
  "log/(create-logger|levels|redact)",
  "git-auth/(job-payloads|manual-revoke-url)",
  "runners/(protocol|version-compat)",
  "agents/capabilities",
  "text/[a-z-]+",
  "diagnostics/access-check-protocol",
  "environments/repositories-protocol",
];
const runnerLibAllowList = {
  regex: `${FROM_ROOT}lib/(?!(${RUNNER_LIB_ALLOWED.join("|")})$)`,
  allowTypeImports: true,
  message: "The runner may import only the plane-safe parts of lib/ (the list in eslint.config.mjs); the plane's logger is runner/log.ts here.",
};

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [".next/**", ".next-*/**", "dist/**", "node_modules/**", ".data/**", ".data-*/**", "test-results/**", "playwright-report/**", "next-env.d.ts", "sandbox/github-openapi.generated.json"],
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["warn", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true }],
    },
  },
  {
    // Type-aware: a promise nobody awaits loses its rejection (an unhandled rejection ends the
    // runner). Fire-and-forget is written `void promise`, on purpose and visibly.
    files: ["{app,components,lib,runner,scripts,sandbox}/**/*.{ts,tsx}", "instrumentation.ts", "proxy.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
    },
  },
  {
    files: ["lib/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [libLayering, libWithoutNext] }],
    },
  },
  {
    files: ["lib/auth/**/*.{ts,tsx}", "lib/actions/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [libLayering] }],
    },
  },
  {
    files: ["runner/**/*.ts"],
    // The runner's tests drive a real plane, so they use the rest of lib/ too.
    ignores: ["runner/**/*.test.ts", "runner/test/**", "runner/**/test-support/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [runnerLibAllowList] }],
    },
  },
];

export default config;
