import path from "node:path";
import { describe, expect, it } from "vitest";
import { chainTo, LIVE_PACKAGE, pageClientModules, rel, ROOT, staticImports } from "@/tests/helpers/client-imports";

/**
 * The environment's page was within 1 kB of its first-load JavaScript budget because its status
 * card, the Delete button and the reconnect panel imported react-query (11 kB gzipped) for every
 * environment, settled ones included. Their live parts load on demand now; this test keeps
 * react-query out of the modules the page's client components import statically (`import()`,
 * `React.lazy` and `next/dynamic` load on demand and are not followed).
 */

const PAGE = "app/(settings)/environments/[environmentId]/page.tsx";

describe("the environment page's first load", () => {
  it("starts from the client components the page renders", () => {
    const names = pageClientModules([PAGE]).map(rel);
    expect(names).toEqual(expect.arrayContaining(["components/environments/environment-state-card.tsx", "components/environments/delete-environment-button.tsx", "components/environments/reconnect-panel.tsx"]));
  });

  it("sees a static react-query import as one (the check itself works)", () => {
    expect(chainTo(LIVE_PACKAGE, path.join(ROOT, "components/environments/live-environment-state.tsx"), staticImports)).not.toBeNull();
  });

  it.each(pageClientModules([PAGE]).map((f) => [rel(f), f]))("%s brings no react-query with it", (_name, file) => {
    expect(chainTo(LIVE_PACKAGE, file, staticImports)).toBeNull();
  });
});
