import { expect, signInOverHttp, test } from "./fixtures";

// The pages run under the nonce Content-Security-Policy (proxy.ts): nothing they need is blocked.
test("pages hydrate and work under the Content-Security-Policy, with nothing blocked", async ({ page, org }) => {
  const { users } = await org(["admin"]);
  const problems: string[] = [];
  // Whatever the policy blocks shows as a console error naming it, or as a page error.
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(e.message));

  await signInOverHttp(page, users[0]!);
  for (const path of ["/settings/members", "/settings/runners", "/settings/git-authentications", "/settings/agents", "/settings/diagnostics", "/environments"]) {
    const res = await page.goto(path);
    expect(res?.headers()["content-security-policy"], path).toMatch(/'nonce-/);
    await expect(page.locator("h1")).toBeVisible();
  }
  // A client-side interaction proves the scripts ran: the add-member form answers inline.
  await page.goto("/settings/members");
  const form = page.getByRole("region", { name: "Add a member" });
  await form.getByLabel("Email").fill("not-an-email");
  await form.getByLabel("Name").fill("X");
  await form.getByRole("button", { name: "Add member" }).click();
  await expect(form.getByText("Enter a valid email address")).toBeVisible();
  // The browser seals secrets with libsodium (WebAssembly) on the runner form.
  await page.goto("/settings/runners");
  await expect(page.locator("h1")).toBeVisible();
  expect(problems).toEqual([]);
});
