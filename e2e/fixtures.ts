import AxeBuilder from "@axe-core/playwright";
import { test as base, expect, type APIRequestContext, type Page } from "@playwright/test";

export type Role = "admin" | "member" | "support";
export type SeededUser = { userId: string; email: string; password: string; role: Role };

/** Seeds an organization of its own for one test, with one user per role given. */
export async function seedOrg(request: APIRequestContext, roles: Role[], name = "E2E Org"): Promise<{ orgId: string; users: SeededUser[] }> {
  const res = await request.post("/api/test/seed", {
    headers: { "x-e2e-seed-secret": process.env.E2E_SEED_SECRET! },
    data: { name, roles },
  });
  expect(res.status(), await res.text()).toBe(200);
  return res.json();
}

/** Signs in over HTTP (next-auth's credentials callback), not through the form. */
export async function signInOverHttp(page: Page, user: { email: string; password: string }): Promise<void> {
  const csrf = await page.request.get("/api/auth/csrf");
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await page.request.post("/api/auth/callback/credentials", {
    form: { csrfToken, email: user.email, password: user.password, callbackUrl: "/settings" },
    maxRedirects: 0,
  });
  expect([200, 302, 303]).toContain(res.status());
  const cookies = await page.context().cookies();
  expect(cookies.some((c) => c.name.includes("session-token")), "session cookie set").toBe(true);
}

/** Runs axe and fails on serious or critical violations, listing them. */
export async function expectNoSeriousA11yViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual([]);
}

/** Console errors and uncaught page errors (a hydration mismatch is both), collected while the test runs. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  return errors;
}

export async function expectNoHorizontalOverflow(page: Page) {
  const { scrollWidth, clientWidth, wide } = await page.evaluate(() => {
    const clientWidth = document.documentElement.clientWidth;
    // The outermost elements that stick out, to name them in the failure.
    const wide = [...document.querySelectorAll("body *")]
      .filter((el) => el.getBoundingClientRect().right > clientWidth + 1 && !(el.parentElement && el.parentElement.getBoundingClientRect().right > clientWidth + 1))
      .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].slice(0, 4).join(".")}`)
      .slice(0, 5);
    return { scrollWidth: document.documentElement.scrollWidth, clientWidth, wide };
  });
  expect(scrollWidth, `page wider than the window: ${wide.join(", ")}`).toBeLessThanOrEqual(clientWidth);
}

export const test = base.extend<{ org: (roles: Role[]) => Promise<{ orgId: string; users: SeededUser[] }> }>({
  org: async ({ request }, provide) => {
    await provide((roles) => seedOrg(request, roles));
  },
});

export { expect };
