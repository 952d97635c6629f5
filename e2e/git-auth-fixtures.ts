import { expect, type APIRequestContext, type Page } from "@playwright/test";
import type { SeededGitAuth, SeedIntegration, SeedToken } from "@/lib/testing/seed-git-auth";
import { FakeRunner } from "../tests/helpers/fake-runner";

/** Seeds a registered runner with integrations and credentials, and returns a FakeRunner playing it over HTTP. */
export async function seedGitAuth(
  request: APIRequestContext,
  baseURL: string,
  body: { orgId: string; adminUserId: string; runnerName?: string; integrations: SeedIntegration[]; tokens?: SeedToken[] },
): Promise<{ seeded: SeededGitAuth; runner: FakeRunner }> {
  const res = await request.post("/api/test/git-auth", { headers: { "x-e2e-seed-secret": process.env.E2E_SEED_SECRET! }, data: body });
  expect(res.status(), await res.text()).toBe(200);
  const seeded = (await res.json()) as SeededGitAuth;
  return { seeded, runner: new FakeRunner(`${baseURL}/api/runner/v1`, seeded) };
}

/** Collects the bodies of every POST the page sends (server actions included). */
export function recordPostBodies(page: Page): string[] {
  const bodies: string[] = [];
  page.on("request", (r) => {
    if (r.method() === "POST") bodies.push(r.postData() ?? "");
  });
  return bodies;
}

/**
 * Stands in for a provider's consent page at `https://{host}/...authorize`: it shows Authorize
 * and Cancel, which send the browser to the redirect_uri with a code or `error=access_denied`,
 * carrying the state, as a real provider does. Nothing leaves the machine.
 */
export async function serveFakeConsent(page: Page, host: string): Promise<{ requests: URL[] }> {
  const requests: URL[] = [];
  await page.route(new RegExp(`^https://${host.replace(/\./g, "\\.")}/.*authorize`), async (route) => {
    const url = new URL(route.request().url());
    requests.push(url);
    const back = (params: Record<string, string>) => `${url.searchParams.get("redirect_uri")}?${new URLSearchParams({ ...params, state: url.searchParams.get("state") ?? "" })}`;
    await route.fulfill({
      status: 200,
      contentType: "text/html",
      body: `<!doctype html><html lang="en"><title>Authorize</title><main><h1>Authorize application</h1>
        <a href="${back({ code: "e2e-authorization-code" })}">Authorize</a>
        <a href="${back({ error: "access_denied" })}">Cancel</a></main></html>`,
    });
  });
  return { requests };
}
