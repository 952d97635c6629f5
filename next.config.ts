import type { NextConfig } from "next";

/**
 * The test seeding endpoints (`app/api/test/<name>/route.seeding.ts`, over lib/testing) exist only
 * in a build made with SCM_TEST_SEEDING=1 (`npm test` and the benchmarks make one); any other build
 * has neither the routes nor the code behind them (scripts/build.mjs).
 */
const testSeeding = process.env.SCM_TEST_SEEDING === "1";
const pageExtensions = ["tsx", "ts", "jsx", "js"];

const nextConfig: NextConfig = {
  pageExtensions: testSeeding ? [...pageExtensions, "seeding.ts"] : pageExtensions,
  serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2", "postgres"],
  poweredByHeader: false,
  // Benchmarks build into their own directory so they never race a test build.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // `.next/standalone/server.js` runs with production dependencies alone (scripts/build.mjs adds the
  // static files and the runner artifact beside it); the images and `npm start` run that.
  output: "standalone",
  // Type errors fail the build. It checks what the app and the runner ship (tsconfig.build.json),
  // not the tests, benchmarks and tools, so production dependencies alone can build it.
  typescript: { tsconfigPath: "tsconfig.build.json" },
  // Read at run time from the working directory (db/client.ts), so traced into the output by hand.
  outputFileTracingIncludes: { "/**": ["./db/migrations/**/*"] },
  experimental: {
    authInterrupts: true,
    serverActions: { bodySizeLimit: "256kb" },
  },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
    ];
  },
};

export default nextConfig;
