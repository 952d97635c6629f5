import path from "node:path";
import { describe, expect, it } from "vitest";
import { CATALOGUE, chainTo, clientModules, rel, ROOT, valueImports } from "@/tests/helpers/client-imports";

/**
 * Environments and Git Authentications were over their first-load JavaScript budget while their
 * client components described errors with the catalogue in the browser. The server describes
 * them now; this test keeps the catalogue out of every client module those pages can load (on
 * first load or on demand), by following the imports that reach the browser bundle.
 */

const CLIENT_ROOTS = ["components/environments", "components/settings/git-auth", "app/(settings)/environments", "app/(settings)/settings/git-authentications"];

describe("the Environments and Git Authentications client bundles", () => {
  it("finds the client modules it checks", () => {
    const names = clientModules(CLIENT_ROOTS).map(rel);
    expect(names).toContain("components/environments/create-environment-panel.tsx");
    expect(names).toContain("components/settings/git-auth/pat-dialog.tsx");
  });

  it("sees a catalogue import as one (the check itself works)", () => {
    expect(valueImports(`import { describeCode } from "@/lib/errors/catalogue";\nimport type { ErrorCode } from "@/lib/errors/catalogue";`)).toEqual(["@/lib/errors/catalogue"]);
    expect(valueImports(`const m = () => import("./live-environment-status");`)).toEqual(["./live-environment-status"]);
    // ErrorAlert is the server components' renderer: it imports the catalogue on purpose.
    expect(chainTo(CATALOGUE, path.join(ROOT, "components/ui/error-alert.tsx"))).toEqual(["components/ui/error-alert.tsx", "lib/errors/catalogue.ts"]);
  });

  it.each(clientModules(CLIENT_ROOTS).map((f) => [rel(f), f]))("%s does not bring the error catalogue to the browser", (_name, file) => {
    expect(chainTo(CATALOGUE, file)).toBeNull();
  });
});
