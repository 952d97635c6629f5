import path from "node:path";
import { describe, expect, it } from "vitest";
import { CATALOGUE, chainTo, clientModules, LIVE_PACKAGE, pageClientModules, rel, ROOT, staticImports, valueImports } from "@/tests/helpers/client-imports";

/**
 * Settings > Runners went over its first-load JavaScript budget (blank app + 25 kB) and a runner's
 * page sat at its edge: every status badge imported react-query (about 11 kB gzipped) although
 * the server's HTML already shows each runner's state, and every row shipped its dialogs. The
 * live status and the dialogs load on demand now; this test keeps react-query out of the modules
 * the two pages' client components import statically (`import()` and `React.lazy` load on demand
 * and are not followed), and the error catalogue out of every client module of Settings > Runners,
 * on first load or on demand (the server describes errors and passes the description).
 */

const PAGES = ["app/(settings)/settings/runners/page.tsx", "app/(settings)/settings/runners/[runnerId]/page.tsx"];
const CLIENT_ROOTS = ["components/settings/runners", "app/(settings)/settings/runners"];

describe("the Settings > Runners client bundles", () => {
  it("start from the client components the list and a runner's page render", () => {
    expect(pageClientModules(PAGES).map(rel)).toEqual(
      expect.arrayContaining([
        "components/settings/runners/runner-status-badge.tsx",
        "components/settings/runners/shown-runners.tsx",
        "components/settings/runners/runner-actions.tsx",
        "components/settings/runners/create-runner-form.tsx",
        "components/settings/runners/shared-use-control.tsx",
        "components/settings/runners/remove-integration-button.tsx",
      ]),
    );
    expect(clientModules(CLIENT_ROOTS).map(rel)).toContain("components/settings/runners/integration-form.tsx");
  });

  it("see a static react-query import and a catalogue import as such (the checks themselves work)", () => {
    expect(chainTo(LIVE_PACKAGE, path.join(ROOT, "components/settings/runners/live-runner-status.tsx"), staticImports)).not.toBeNull();
    // The badge loads its live part with `import()`: on demand, so not on first load.
    expect(chainTo(LIVE_PACKAGE, path.join(ROOT, "components/settings/runners/runner-status-badge.tsx"), valueImports)).not.toBeNull();
    // ErrorAlert is the server components' renderer: it imports the catalogue on purpose.
    expect(chainTo(CATALOGUE, path.join(ROOT, "components/ui/error-alert.tsx"), valueImports)).toEqual(["components/ui/error-alert.tsx", "lib/errors/catalogue.ts"]);
  });

  it.each(pageClientModules(PAGES).map((f) => [rel(f), f]))("%s brings no react-query to the first load", (_name, file) => {
    expect(chainTo(LIVE_PACKAGE, file, staticImports)).toBeNull();
  });

  it.each(clientModules(CLIENT_ROOTS).map((f) => [rel(f), f]))("%s does not bring the error catalogue to the browser", (_name, file) => {
    expect(chainTo(CATALOGUE, file, valueImports)).toBeNull();
  });
});
