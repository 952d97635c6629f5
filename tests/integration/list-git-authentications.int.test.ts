import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database, Db } from "@/db/client";
import { GIT_AUTHENTICATIONS_PAGE_SIZE, listGitAuthentications, listGitAuthenticationsPage, type GitAuthenticationRow } from "@/lib/git-auth/list-git-authentications";
import { seedGitAuth, type SeedIntegration } from "@/lib/testing/seed-git-auth";
import type { Actor } from "@/lib/users/actor";
import { seedOrg, seedUser } from "../helpers/seed";
import { testEngines } from "../helpers/test-database";

const label = (r: GitAuthenticationRow) => `${r.providerName} ${r.host} @${r.runnerName}`;

describe.each(testEngines())("Settings > Git Authentications list: order, pages, search and scope on $name", (engine) => {
  let database: Database;
  let db: Db;
  let admin: Actor;
  let member: Actor;
  let otherOrgUser: Actor;
  let otherOrgIntegrationIds: string[];
  const GHE_HOSTS = 55;

  beforeAll(async () => {
    database = await engine.open();
    db = database.db;
    const org = await seedOrg(db, "Listing org");
    admin = org.admin;
    member = await seedUser(db, org.orgId, "member");
    const alpha: SeedIntegration[] = [
      { provider: "github", host: "github.com", baseUrl: "https://github.com", oauth: true, pat: true },
      { provider: "gitlab", host: "gitlab.example.com", baseUrl: "https://gitlab.example.com", oauth: false, pat: true },
      // Offered by no method and nobody connected: not listed.
      { provider: "github", host: "off.example.com", baseUrl: "https://off.example.com", oauth: false, pat: false },
      ...Array.from({ length: GHE_HOSTS }, (_, i): SeedIntegration => ({ provider: "github", host: `ghe-${String(i).padStart(2, "0")}.example.com`, baseUrl: `https://ghe-${i}.example.com`, oauth: false, pat: true })),
    ];
    await seedGitAuth({
      db,
      orgId: org.orgId,
      adminUserId: admin.userId,
      runnerName: "Alpha",
      integrations: alpha,
      tokens: [{ integration: 1, userId: member.userId, source: "pat", login: "member-gl", scopes: ["api"], needsReauthReason: "revoked" }],
    });
    await seedGitAuth({
      db,
      orgId: org.orgId,
      adminUserId: admin.userId,
      runnerName: "beta",
      integrations: [
        { provider: "github", host: "github.com", baseUrl: "https://github.com", oauth: false, pat: true, patScopes: ["repo"] },
        { provider: "bitbucket", host: "bitbucket.org", baseUrl: "https://bitbucket.org", oauth: false, pat: true },
      ],
      tokens: [{ integration: 0, userId: member.userId, source: "pat", login: "member-gh", scopes: ["repo"] }],
    });
    // Another organization offering the same hosts, with its own member connected.
    const other = await seedOrg(db, "Other org");
    otherOrgUser = await seedUser(db, other.orgId, "member");
    const seeded = await seedGitAuth({
      db,
      orgId: other.orgId,
      adminUserId: other.admin.userId,
      runnerName: "Alpha",
      integrations: [
        { provider: "github", host: "github.com", baseUrl: "https://github.com", oauth: true, pat: true },
        { provider: "gitlab", host: "gitlab.example.com", baseUrl: "https://gitlab.example.com", oauth: false, pat: true },
      ],
      tokens: [{ integration: 0, userId: otherOrgUser.userId, source: "pat", login: "other-gh", scopes: ["repo"] }],
    });
    otherOrgIntegrationIds = seeded.integrationIds;
  });
  afterAll(async () => {
    await database.close();
  });

  const total = 2 + 1 + GHE_HOSTS + 1; // connections, bitbucket.org, the GHE hosts, github.com on Alpha

  it("lists the person's connections first, then by provider, host and runner; never a host with no method and no connection", async () => {
    const all = await listGitAuthentications({ db, actor: member });
    expect(all).toHaveLength(total);
    expect(all.slice(0, 4).map(label)).toEqual(["GitHub github.com @beta", "GitLab gitlab.example.com @Alpha", "Bitbucket Cloud bitbucket.org @beta", "GitHub ghe-00.example.com @Alpha"]);
    expect(all.at(-1)!.host).toBe("github.com");
    expect(all.at(-1)!.runnerName).toBe("Alpha");
    expect(all.slice(0, 2).map((r) => r.state.kind)).toEqual(["connected", "needs_reauth"]);
    expect(all.slice(2).every((r) => r.state.kind === "not_connected")).toBe(true);
    expect(all.map((r) => r.host)).not.toContain("off.example.com");
    // Only ids and the configured scopes when they differ from the provider's defaults.
    expect(all[0]!.patScopes).toEqual(["repo"]);
    expect(all[1]!.patScopes).toBeNull();
    expect(all.at(-1)!.disconnect).toBeNull();
  });

  it("pages by 50 in SQL with the total, the pages adding up to the whole list; a page past the last is empty but keeps the total", async () => {
    const all = await listGitAuthentications({ db, actor: member });
    const first = await listGitAuthenticationsPage({ db, actor: member });
    const second = await listGitAuthenticationsPage({ db, actor: member, page: 2 });
    expect(first).toMatchObject({ total, page: 1, pageCount: 2 });
    expect(first.rows).toHaveLength(GIT_AUTHENTICATIONS_PAGE_SIZE);
    expect(second).toMatchObject({ total, page: 2, pageCount: 2 });
    expect([...first.rows, ...second.rows].map((r) => r.integrationId)).toEqual(all.map((r) => r.integrationId));
    expect(await listGitAuthenticationsPage({ db, actor: member, page: 9 })).toEqual({ rows: [], total, page: 9, pageCount: 2 });
  });

  it("searches host, provider name and runner name case-insensitively, taking % and _ literally", async () => {
    const hosts = async (q: string) => (await listGitAuthenticationsPage({ db, actor: member, q })).rows.map(label);
    expect(await hosts("GHE-0")).toHaveLength(10);
    expect((await listGitAuthenticationsPage({ db, actor: member, q: "ghe-" })).total).toBe(GHE_HOSTS);
    expect(await hosts("BETA")).toEqual(["GitHub github.com @beta", "Bitbucket Cloud bitbucket.org @beta"]);
    expect(await hosts("bitbucket cloud")).toEqual(["Bitbucket Cloud bitbucket.org @beta"]);
    expect(await hosts("gitlab")).toEqual(["GitLab gitlab.example.com @Alpha"]);
    expect(await hosts("ghe-0_")).toEqual([]);
    expect(await hosts("%")).toEqual([]);
    expect(await listGitAuthenticationsPage({ db, actor: member, q: "nothing-like-this" })).toEqual({ rows: [], total: 0, page: 1, pageCount: 1 });
  });

  it("never lists another organization's hosts or connections", async () => {
    const ours = await listGitAuthentications({ db, actor: member });
    for (const id of otherOrgIntegrationIds) expect(ours.some((r) => r.integrationId === id)).toBe(false);
    expect(JSON.stringify(ours)).not.toContain("other-gh");
    const theirs = await listGitAuthenticationsPage({ db, actor: otherOrgUser, q: "git" });
    expect(theirs.total).toBe(2);
    expect(theirs.rows.map((r) => r.integrationId).sort()).toEqual([...otherOrgIntegrationIds].sort());
    expect(theirs.rows[0]!.state).toMatchObject({ kind: "connected", login: "other-gh" });
    expect(JSON.stringify(theirs)).not.toContain("member-gh");
  });

  it("shows members and admins every runner of their organization, each with their own connections only", async () => {
    const asAdmin = await listGitAuthentications({ db, actor: admin });
    const asMember = await listGitAuthentications({ db, actor: member });
    expect(new Set(asAdmin.map((r) => r.integrationId))).toEqual(new Set(asMember.map((r) => r.integrationId)));
    expect(asAdmin.every((r) => r.state.kind === "not_connected")).toBe(true);
    expect(JSON.stringify(asAdmin)).not.toContain("member-gh");
    expect((await listGitAuthenticationsPage({ db, actor: admin })).rows[0]!.host).toBe("bitbucket.org");
  });
});
