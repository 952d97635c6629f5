import { expect, signInOverHttp, test } from "./fixtures";
import { SettingsShell } from "./pages/settings-shell";

const forbiddenFor = {
  member: ["/settings/runners", "/settings/members", "/settings/diagnostics"],
  support: ["/settings/runners", "/settings/agents", "/settings/members", "/settings/git-authentications"],
} as const;

test("a member sees only Git Authentications and Agents (read-only) and is refused elsewhere with a 403 page", async ({ page, org }) => {
  const { users } = await org(["admin", "member"]);
  await signInOverHttp(page, users[1]!);
  await page.goto("/settings");
  await expect(page).toHaveURL(/\/settings\/git-authentications$/);
  await new SettingsShell(page).expectNavItems(["Git Authentications", "Agents"]);
  await page.goto("/settings/agents");
  await expect(page.getByRole("heading", { name: "What applies to you" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Save policy" })).toHaveCount(0);
  for (const path of forbiddenFor.member) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(403);
    await expect(page.getByRole("heading", { name: "You don't have access to this page" })).toBeVisible();
  }
});

test("support sees only Diagnostics, read-only, and is refused elsewhere", async ({ page, org }) => {
  const { users } = await org(["admin", "support"]);
  await signInOverHttp(page, users[1]!);
  await page.goto("/settings");
  await expect(page).toHaveURL(/\/settings\/diagnostics$/);
  await new SettingsShell(page).expectNavItems(["Diagnostics", "Audit log"]);
  await expect(page.getByText("Read-only view for support")).toBeVisible();
  for (const path of forbiddenFor.support) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(403);
  }
});

test("signed-out visitors are sent to sign in; the seed endpoint refuses requests without its secret", async ({ page, request }) => {
  await page.goto("/settings/members");
  await expect(page).toHaveURL(/\/login/);
  const res = await request.post("/api/test/seed", { data: { name: "x", roles: ["admin"] } });
  expect(res.status()).toBe(404);
});
