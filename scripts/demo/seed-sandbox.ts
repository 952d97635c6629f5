import type { OAuthAppDto, RepoDto, Sandbox, TokenDto } from "@/sandbox";
import { oauthCallbackUrl } from "@/lib/integrations/callback-url";
import { DEMO_LOGINS, DEMO_PROVIDERS, DEMO_REPOS, demoRepoFiles, type DemoProvider } from "./config";
import type { DemoState } from "./state";

export type DemoSandboxSeed = {
  apps: Record<DemoProvider, OAuthAppDto>;
  /** A fresh personal access token of the demo user, for the PAT path (the sandbox forgets it on exit). */
  pats: Record<DemoProvider, TokenDto>;
  repos: Record<DemoProvider, RepoDto[]>;
};

const DISPLAY_NAMES: Record<DemoProvider, string> = { github: "The Octocat", gitlab: "Tanuki" };
const PAT_LIFETIME_SECONDS = 30 * 86_400;

/**
 * The providers' side of the demo, on a freshly started (empty) sandbox: per provider the demo
 * user, signed in so the consent page authorizes them; a repository they own and one they may only
 * read; an OAuth application with the state's client id and secret whose only callback URL is the
 * integration's; and a personal access token. Run on every start, since the sandbox keeps nothing.
 */
export async function seedSandbox(opts: { sandbox: Sandbox; state: DemoState; publicBaseUrl: string }): Promise<DemoSandboxSeed> {
  const { admin } = opts.sandbox;
  const seed = { apps: {}, pats: {}, repos: {} } as DemoSandboxSeed;
  for (const provider of DEMO_PROVIDERS) {
    const login = DEMO_LOGINS[provider];
    const own = opts.state.providers[provider];
    await admin.createUser({ provider, login, name: DISPLAY_NAMES[provider] });
    await admin.signIn(provider, login);
    seed.repos[provider] = [];
    for (const repo of DEMO_REPOS) {
      const owner = repo.owner === "{login}" ? login : repo.owner;
      seed.repos[provider].push(
        await admin.createRepo({
          provider,
          path: `${owner}/${repo.name}`,
          description: repo.description,
          files: demoRepoFiles(repo.name, repo.description),
          // The owner is an admin of their own repository already; others are granted access.
          collaborators: owner === login ? [] : [{ login, permission: repo.permission }],
        }),
      );
    }
    seed.apps[provider] = await admin.registerOAuthApp({
      provider,
      name: "Demo development environments",
      callbackUrls: [oauthCallbackUrl(opts.publicBaseUrl, own.integrationId)],
      clientId: own.clientId,
      clientSecret: own.clientSecret,
    });
    seed.pats[provider] = await admin.issuePat({ provider, login, name: "Demo PAT", expiresInSeconds: PAT_LIFETIME_SECONDS });
  }
  return seed;
}
