import path from "node:path";
import { describe, expect, it } from "vitest";
import { CATALOGUE, chainTo, clientModules, rel, ROOT } from "@/tests/helpers/client-imports";

/**
 * Settings > Agents shipped the whole error catalogue in its policy form's chunk (9 kB): the form
 * rendered a failed save with `ErrorAlert`, the server components' renderer, instead of the
 * description the action's result carries. This test keeps the catalogue out of every client
 * module of the page, on first load or on demand, by following the imports that reach the browser.
 */

const CLIENT_ROOTS = ["components/settings/agents", "app/(settings)/settings/agents"];

describe("the Settings > Agents client bundle", () => {
  it("finds the client modules it checks", () => {
    expect(clientModules(CLIENT_ROOTS).map(rel)).toEqual(expect.arrayContaining(["components/settings/agents/policy-form.tsx", "components/settings/agents/group-picker.tsx"]));
  });

  it("sees a catalogue import as one (the check itself works)", () => {
    // The activity table is a server component: it describes refusals with the catalogue on purpose.
    expect(chainTo(CATALOGUE, path.join(ROOT, "components/settings/agents/activity-table.tsx"))).toEqual(["components/settings/agents/activity-table.tsx", "lib/errors/catalogue.ts"]);
  });

  it.each(clientModules(CLIENT_ROOTS).map((f) => [rel(f), f]))("%s does not bring the error catalogue to the browser", (_name, file) => {
    expect(chainTo(CATALOGUE, file)).toBeNull();
  });
});
