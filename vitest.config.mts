import { defineConfig } from "vitest/config";
import path from "node:path";
import { fileURLToPath } from "node:url";

const __dirname = path.dirname(fileURLToPath(import.meta.url));

const alias = { "@": path.resolve(__dirname) };
// The provider sandbox runs on loopback: the runner code under test (and runners the tests start)
// may connect to it. Tests of the address checks pass their own policy.
const env = { SCM_ALLOW_LOOPBACK_HOSTS: "1" };

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          environment: "node",
          env,
          sequence: { groupOrder: 0 },
          include: ["{lib,components,runner,sandbox,db,scripts}/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "node_modules/**"],
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          environment: "node",
          env,
          // Runs after the unit project; its own worker limit keeps databases and runners from starving 2 cores.
          sequence: { groupOrder: 1 },
          globalSetup: ["tests/global-setup.ts"],
          include: ["{lib,runner,sandbox,db,tests}/**/*.int.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: true,
          maxWorkers: 2,
        },
      },
    ],
  },
});
