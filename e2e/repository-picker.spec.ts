import { expect, expectNoSeriousA11yViolations, signInOverHttp, test } from "./fixtures";
import { seedGitAuth } from "./git-auth-fixtures";

const github = { provider: "github" as const, host: "github.com", baseUrl: "https://github.com", oauth: true, pat: true };

test("typing a name lists the repositories the runner sees with the person's connection; choosing one fills the URL", async ({ page, org, baseURL }) => {
  const { orgId, users } = await org(["admin", "member"]);
  const [admin, member] = users;
  const { runner } = await seedGitAuth(page.request, baseURL!, {
    orgId,
    adminUserId: admin!.userId,
    integrations: [github],
    tokens: [{ integration: 0, userId: member!.userId, source: "pat", login: "octocat", scopes: ["repo"] }],
  });
  await signInOverHttp(page, member!);
  await page.goto("/environments");

  const field = page.getByRole("combobox", { name: "Repository URL" });
  await field.fill("app");
  // The runner, not the browser or the plane, lists them: it gets the search and the owner, never a token.
  const job = await runner.claim("repositories.list");
  expect(job.payload).toMatchObject({ userId: member!.userId, search: "app", integration: { host: "github.com" } });
  expect(JSON.stringify(job.payload)).not.toMatch(/ghp_|token"/i);
  await expect(page.getByRole("status").filter({ hasText: "Asking the runner…" })).toBeVisible();
  await runner.succeed(job, {
    repositories: [
      { fullName: "acme/app", webUrl: "https://github.com/acme/app", cloneUrl: "https://github.com/acme/app.git", private: true, defaultBranch: "main" },
      { fullName: "acme/app-docs", webUrl: "https://github.com/acme/app-docs", cloneUrl: "https://github.com/acme/app-docs.git", private: false, defaultBranch: "main" },
    ],
    truncated: false,
  });

  const listbox = page.getByRole("listbox", { name: "Repositories on github.com" });
  await expect(listbox.getByRole("option")).toHaveCount(2);
  await expect(field).toHaveAttribute("aria-expanded", "true");
  await expect(page.getByRole("status").filter({ hasText: "2 repositories." })).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  await field.press("ArrowDown");
  await field.press("ArrowDown");
  await expect(listbox.getByRole("option", { name: /acme\/app-docs/ })).toHaveAttribute("aria-selected", "true");
  await field.press("Enter");
  await expect(field).toHaveValue("https://github.com/acme/app-docs.git");
  await expect(field).toHaveAttribute("aria-expanded", "false");
});

test("without a connection for the host the picker says so at once, and a typed URL still works as before", async ({ page, org, baseURL }) => {
  const { orgId, users } = await org(["admin", "member"]);
  await seedGitAuth(page.request, baseURL!, { orgId, adminUserId: users[0]!.userId, integrations: [github] });
  await signInOverHttp(page, users[1]!);
  await page.goto("/environments");

  const field = page.getByRole("combobox", { name: "Repository URL" });
  await field.fill("app");
  await expect(page.locator("[role=status][data-code=not_authorized_for_host]")).toBeVisible();
  await field.fill("https://github.com/acme/app.git");
  await expect(field).toHaveValue("https://github.com/acme/app.git");
  await expect(field).toHaveAttribute("aria-expanded", "false");
});
