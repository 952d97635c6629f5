import { openSealed } from "@/lib/crypto/sealed-box";
import { expect, expectNoSeriousA11yViolations, signInOverHttp, test } from "./fixtures";
import { recordPostBodies, seedGitAuth, serveFakeConsent } from "./git-auth-fixtures";
import { GitAuthPage } from "./pages/git-auth-page";

const CANARY = "ghp_E2ECANARY0000000000000000000000000042";

const integrations = [
  { provider: "github" as const, host: "github.com", baseUrl: "https://github.com", oauth: true, pat: true },
  { provider: "gitlab" as const, host: "gitlab.example.com", baseUrl: "https://gitlab.example.com", oauth: false, pat: true },
  { provider: "bitbucket" as const, host: "bitbucket.org", baseUrl: "https://bitbucket.org", oauth: false, pat: true },
];

test("a member sees each host with its state and the actions the admin allowed", async ({ page, org, baseURL }) => {
  const { orgId, users } = await org(["admin", "member"]);
  const [admin, member] = users;
  await seedGitAuth(page.request, baseURL!, {
    orgId,
    adminUserId: admin!.userId,
    runnerName: "build-eu-1",
    integrations,
    tokens: [
      { integration: 0, userId: member!.userId, source: "oauth", login: "octocat", scopes: ["repo", "read:user"], expiresInSeconds: 2 * 86400 + 600, lastValidatedSecondsAgo: 3600, lastUsedSecondsAgo: 300 },
      { integration: 1, userId: member!.userId, source: "pat", login: "tanuki", scopes: ["api"], needsReauthReason: "revoked" },
    ],
  });
  await signInOverHttp(page, member!);
  const gitAuth = new GitAuthPage(page);
  await gitAuth.goto();

  const github = gitAuth.row("GitHub", "github.com");
  await expect(github).toContainText("Runner: build-eu-1");
  await expect(github).toContainText("Connected as @octocat via OAuth");
  await expect(github).toContainText("repo, read:user");
  await expect(github).toContainText("in 2 days");
  await expect(github).toContainText("1 hour ago");
  await expect(github).toContainText("5 minutes ago");
  await expect(github.locator("time").first()).toHaveAttribute("title", / UTC$/);
  await expect(github.getByRole("button", { name: "Reconnect with OAuth for github.com" })).toBeVisible();
  await expect(github.getByRole("button", { name: "Disconnect github.com" })).toBeVisible();

  const gitlab = gitAuth.row("GitLab", "gitlab.example.com");
  await expect(gitlab).toContainText("Needs re-authentication");
  await expect(gitlab).toContainText("The token was revoked at the provider.");
  await expect(gitlab.getByRole("button", { name: "Reconnect with a token for gitlab.example.com" })).toBeVisible();
  await expect(gitlab.getByRole("button", { name: /OAuth/ })).toHaveCount(0);

  const bitbucket = gitAuth.row("Bitbucket Cloud", "bitbucket.org");
  await expect(bitbucket).toContainText("Not connected");
  await expect(bitbucket.getByRole("button", { name: "Use a personal access token for bitbucket.org" })).toBeVisible();
  await page.screenshot({ path: "/tmp/git-auth-rows.png", fullPage: true });
  await expectNoSeriousA11yViolations(page);

  // Bitbucket API tokens need the account email; the dialog asks for it.
  const dialog = await gitAuth.openPatDialog("Bitbucket Cloud", "bitbucket.org");
  await expect(dialog.getByLabel("Atlassian account email", { exact: true })).toBeVisible();
  await expect(dialog.getByLabel("API token (with your Atlassian account email)")).toHaveAttribute("type", "password");
  await expectNoSeriousA11yViolations(page);
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
});

test("with no host offered, the page says an admin configures repository access; support is refused", async ({ page, org }) => {
  const { users } = await org(["member", "support"]);
  await signInOverHttp(page, users[0]!);
  await new GitAuthPage(page).goto();
  await expect(page.getByRole("heading", { name: "No Git providers offered yet" })).toBeVisible();
  await expect(page.getByText("An admin configures repository access in Settings > Runners")).toBeVisible();
  await page.context().clearCookies();
  await signInOverHttp(page, users[1]!);
  for (const path of ["/settings/git-authentications", "/environments"]) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(403);
  }
});

test("a PAT is sealed in the browser: the action receives only the sealed box; a refused token is cleared and its typed error shown", async ({ page, org, baseURL }) => {
  const { orgId, users } = await org(["admin", "member"]);
  const [admin, member] = users;
  const { seeded, runner } = await seedGitAuth(page.request, baseURL!, { orgId, adminUserId: admin!.userId, integrations: integrations.slice(0, 1) });
  await signInOverHttp(page, member!);
  const gitAuth = new GitAuthPage(page);
  await gitAuth.goto();
  const bodies = recordPostBodies(page);

  const dialog = await gitAuth.openPatDialog("GitHub", "github.com");
  const create = dialog.getByRole("link", { name: /Create a token at GitHub/ });
  await expect(create).toHaveAttribute("href", "https://github.com/settings/tokens/new?scopes=repo%2Cread%3Auser&description=Development+environments");
  await expect(dialog.getByRole("list", { name: "Scopes the token needs" })).toContainText("repo — Clone and push private repositories");
  const field = dialog.getByLabel("Personal access token (classic or fine-grained)");
  await expect(field).toBeFocused();
  await field.fill(CANARY);
  await dialog.getByRole("button", { name: "Connect" }).click();

  const refused = await runner.claim("pat.validate");
  const ctx = { purpose: "pat" as const, runnerId: seeded.runnerId, host: "github.com", userId: member!.userId };
  expect((await openSealed(seeded.keys, refused.payload.patSealed as string, ctx)).value).toBe(CANARY);
  await runner.fail(refused, { code: "pat_missing_scopes", message: "The token lacks the repo scope", fieldErrors: { token: ["Missing scopes: repo"] } });
  await expect(dialog.locator("[role=alert][data-error-code=pat_missing_scopes]")).toContainText("The token lacks the repo scope");
  await expect(dialog.locator("[role=alert][data-error-code=pat_missing_scopes]")).toContainText("Create a token with the scopes listed");
  await expect(dialog.getByText("Missing scopes: repo")).toBeVisible();
  await expect(field).toHaveValue("");
  await expect(field).toBeFocused();
  await page.screenshot({ path: "/tmp/git-auth-pat-error.png" });

  await field.fill(CANARY);
  await dialog.getByRole("button", { name: "Connect" }).click();
  await expect(dialog.getByRole("status")).toContainText("The runner is checking the token with GitHub");
  const accepted = await runner.claim("pat.validate");
  const opened = await openSealed(seeded.keys, accepted.payload.patSealed as string, ctx);
  await runner.succeed(accepted, await runner.credential(accepted, { token: opened.value, login: "octocat", scopes: ["repo", "read:user"] }));
  await expect(dialog).toBeHidden();
  await expect(page.getByText("Connected to github.com as @octocat")).toBeVisible();
  await expect(gitAuth.row("GitHub", "github.com")).toContainText("Connected as @octocat via PAT");

  const actionPosts = bodies.filter((b) => b.includes("sbx1."));
  expect(actionPosts.length).toBe(2);
  for (const body of bodies) expect(body).not.toContain(CANARY);
});

test("disconnect says what happens at the provider, and the notice afterwards says what did", async ({ page, org, baseURL }) => {
  const { orgId, users } = await org(["admin", "member"]);
  const [admin, member] = users;
  const { runner } = await seedGitAuth(page.request, baseURL!, {
    orgId,
    adminUserId: admin!.userId,
    integrations: integrations.slice(0, 2),
    tokens: [
      { integration: 0, userId: member!.userId, source: "oauth", login: "octocat", scopes: ["repo"] },
      { integration: 1, userId: member!.userId, source: "pat", login: "tanuki", scopes: ["api"] },
    ],
  });
  await signInOverHttp(page, member!);
  const gitAuth = new GitAuthPage(page);
  await gitAuth.goto();

  const patDialog = await gitAuth.disconnect("GitLab", "gitlab.example.com");
  await expect(patDialog).toContainText("Your stored personal access token for gitlab.example.com is removed at once.");
  await expect(patDialog).toContainText("GitLab does not let us revoke this personal access token");
  await expect(patDialog.getByRole("link", { name: /gitlab\.example\.com\/-\/user_settings\/personal_access_tokens/ })).toBeVisible();
  await expect(patDialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await patDialog.getByRole("button", { name: "Disconnect" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Disconnected from gitlab.example.com" })).toContainText("until you revoke it yourself");
  await expect(page.getByRole("link", { name: /Revoke it at GitLab/ })).toHaveAttribute("href", "https://gitlab.example.com/-/user_settings/personal_access_tokens");
  await expect(gitAuth.row("GitLab", "gitlab.example.com")).toContainText("Not connected");

  const oauthDialog = await gitAuth.disconnect("GitHub", "github.com");
  await expect(oauthDialog).toContainText("The token is also revoked at GitHub");
  await page.screenshot({ path: "/tmp/git-auth-disconnect.png" });
  await oauthDialog.getByRole("button", { name: "Disconnect" }).click();
  const revoke = await runner.claim("token.revoke");
  await runner.succeed(revoke, { revoked: true, manualUrl: null });
  await expect(page.getByText("The token was revoked at GitHub.")).toBeVisible();
  await expect(gitAuth.row("GitHub", "github.com")).toContainText("Not connected");
});

test("OAuth: to the provider and back, progress until the runner has exchanged the code, then connected; a declined consent shows its typed error", async ({ page, org, baseURL }) => {
  const { orgId, users } = await org(["admin", "member"]);
  const [admin, member] = users;
  const { seeded, runner } = await seedGitAuth(page.request, baseURL!, { orgId, adminUserId: admin!.userId, integrations: integrations.slice(0, 1) });
  const consent = await serveFakeConsent(page, "github.com");
  await signInOverHttp(page, member!);
  const gitAuth = new GitAuthPage(page);
  await gitAuth.goto();

  await gitAuth.row("GitHub", "github.com").getByRole("button", { name: "Connect with OAuth for github.com" }).click();
  await expect(page.getByRole("heading", { name: "Authorize application" })).toBeVisible();
  const authorize = consent.requests[0]!;
  expect(authorize.searchParams.get("redirect_uri")).toBe(`${baseURL}/api/scm/oauth/callback/${seeded.integrationIds[0]}`);
  expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
  await page.getByRole("link", { name: "Authorize" }).click();

  await expect(page).toHaveURL(/\/settings\/git-authentications/);
  await expect(gitAuth.status()).toContainText("Exchanging the authorization with the runner for github.com…");
  await page.screenshot({ path: "/tmp/git-auth-oauth-progress.png" });
  const job = await runner.claim("oauth.exchange");
  const code = await runner.open(job.payload.codeSealed as string, { purpose: "oauth_code", runnerId: seeded.runnerId, userId: member!.userId });
  expect(code.value).toBe("e2e-authorization-code");
  await runner.succeed(job, await runner.credential(job, { token: "gho_e2e", refreshToken: "ghr_e2e", login: "octocat", scopes: ["repo"], expiresAt: new Date(Date.now() + 8 * 3600_000) }));
  await expect(gitAuth.status()).toContainText("Connected to github.com.");
  await expect(gitAuth.row("GitHub", "github.com")).toContainText("Connected as @octocat via OAuth");
  await expect(page).toHaveURL(/\/settings\/git-authentications$/);

  // Declined at the provider: the catalogue's explanation and remedy, nothing connected.
  await gitAuth.row("GitHub", "github.com").getByRole("button", { name: "Reconnect with OAuth for github.com" }).click();
  await page.getByRole("link", { name: "Cancel" }).click();
  await expect(page.locator("[role=alert][data-error-code=oauth_access_denied]")).toContainText("Authorization declined");
  await expect(page.locator("[role=alert][data-error-code=oauth_access_denied]")).toContainText("Connect again and choose Authorize at the provider.");
  await expectNoSeriousA11yViolations(page);
});

test("many hosts: the person's connections first, 50 a page, and a search by host whose PAT form still shows the registry's scopes", async ({ page, org, baseURL }) => {
  const { orgId, users } = await org(["admin", "member"]);
  const [admin, member] = users;
  const host = (i: number) => `ghe-${String(i).padStart(2, "0")}.example.com`;
  // 54 hosts over three runners (the seeding endpoint takes 18 at a time); the person is connected to the last one.
  for (const [r, runnerName] of ["build-a", "build-b", "build-c"].entries()) {
    await seedGitAuth(page.request, baseURL!, {
      orgId,
      adminUserId: admin!.userId,
      runnerName,
      integrations: Array.from({ length: 18 }, (_, i) => ({ provider: "github" as const, host: host(r * 18 + i), baseUrl: `https://${host(r * 18 + i)}`, oauth: false, pat: true })),
      tokens: r === 2 ? [{ integration: 17, userId: member!.userId, source: "pat", login: "octocat", scopes: ["repo"] }] : [],
    });
  }
  await signInOverHttp(page, member!);
  const gitAuth = new GitAuthPage(page);
  await gitAuth.goto();
  const rows = page.getByRole("list", { name: "Git providers" }).getByRole("region");
  await expect(rows).toHaveCount(50);
  await expect(rows.first()).toHaveAccessibleName("GitHub ghe-53.example.com");
  await expect(rows.first()).toContainText("Connected as @octocat via PAT");
  await expect(page.getByRole("heading", { level: 2, name: /Provider hosts/ })).toContainText("(54)");
  const pages = page.getByRole("navigation", { name: "Git provider pages" });
  await expect(pages).toContainText("Page 1 of 2");
  await pages.getByRole("link", { name: "Next" }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(rows).toHaveCount(4);
  await expect(gitAuth.row("GitHub", "ghe-52.example.com")).toBeVisible();

  await gitAuth.search("GHE-07");
  await expect(rows).toHaveCount(1);
  const dialog = await gitAuth.openPatDialog("GitHub", "ghe-07.example.com");
  await expect(dialog.getByRole("list", { name: "Scopes the token needs" })).toContainText("read:user — Show which account is connected.");
  await expect(dialog.getByRole("link", { name: /Create a token at GitHub/ })).toHaveAttribute("href", /^https:\/\/ghe-07\.example\.com\/settings\/tokens\/new\?scopes=repo%2Cread%3Auser/);
  await expectNoSeriousA11yViolations(page);
  await page.keyboard.press("Escape");

  await gitAuth.search("no-such-host");
  await expect(page.getByText("No provider host matches your search")).toBeVisible();
});
