import { parseArgs } from "node:util";
import { startSandbox, type Sandbox, type SandboxPorts } from "./index";

const USAGE = `Usage: npm run sandbox -- [options]

Starts the local GitHub / GitLab / Bitbucket Cloud / Azure DevOps stand-in.

Options:
  --port-base <n>   admin API on n, the provider hosts on n+1 ... n+8 (default 4100)
  --ephemeral       pick free ports instead of fixed ones
  --host <address>  address to bind (default 127.0.0.1)
  --auto-approve    skip the OAuth consent pages
  --seed            create a user, a repository and a PAT per provider and print them
  --help            show this text`;

/** Fixed ports from a base, in a stable order so demo configurations keep working. */
function portsFrom(base: number): SandboxPorts {
  return {
    admin: base,
    github: { web: base + 1, api: base + 2 },
    gitlab: { web: base + 3 },
    bitbucket: { web: base + 4, api: base + 5 },
    azure: { web: base + 6, vssps: base + 7, entra: base + 8 },
  };
}

/** Demo content for the offline demo: one user, one repository and one PAT per provider. */
async function seed(sandbox: Sandbox): Promise<string[]> {
  const { admin } = sandbox;
  const lines: string[] = [];
  const seeds = [
    { provider: "github", login: "octocat", path: "octocat/hello-world" },
    { provider: "gitlab", login: "gitlab-user", path: "gitlab-user/hello-world" },
    { provider: "bitbucket", login: "bb-user", path: "bb-user/hello-world" },
    { provider: "azure-devops", login: "ado-user", path: "contoso/demo/hello-world" },
  ] as const;
  for (const s of seeds) {
    const azure = s.provider === "azure-devops";
    await admin.createUser({ provider: s.provider, login: s.login, organizations: azure ? ["contoso"] : undefined });
    const repo = await admin.createRepo({ provider: s.provider, path: s.path, collaborators: azure ? [{ login: s.login, permission: "admin" }] : [] });
    const pat = await admin.issuePat({ provider: s.provider, login: s.login, expiresInSeconds: 30 * 86_400 });
    lines.push(`  ${s.provider.padEnd(13)} user ${s.login.padEnd(12)} repo ${repo.cloneUrl}`);
    lines.push(`  ${"".padEnd(13)} PAT  ${pat.value}${pat.email ? ` (with ${pat.email})` : ""}`);
  }
  return lines;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      "port-base": { type: "string", default: "4100" },
      ephemeral: { type: "boolean", default: false },
      host: { type: "string", default: "127.0.0.1" },
      "auto-approve": { type: "boolean", default: false },
      seed: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const base = Number(values["port-base"]);
  if (!Number.isInteger(base) || base < 1 || base > 65_526) throw new Error(`--port-base must be a port number, got ${values["port-base"]}`);
  const sandbox = await startSandbox({
    listenHost: values.host,
    ports: values.ephemeral ? undefined : portsFrom(base),
    autoApprove: values["auto-approve"],
  });
  const { urls } = sandbox;
  const lines = [
    "Provider sandbox running.",
    `  admin API          ${sandbox.adminUrl}/admin/health`,
    `  GitHub web         ${urls.github.web}   (OAuth, git, Enterprise Server REST at ${urls.github.enterpriseApi})`,
    `  GitHub API         ${urls.github.api}`,
    `  GitLab             ${urls.gitlab.web}`,
    `  Bitbucket web      ${urls.bitbucket.web}`,
    `  Bitbucket API      ${urls.bitbucket.api}`,
    `  Azure DevOps       ${urls.azure.web}`,
    `  Azure DevOps vssps ${urls.azure.vssps}`,
    `  Entra ID           ${urls.azure.entra}`,
  ];
  if (values.seed) lines.push("Seeded:", ...(await seed(sandbox)));
  console.log(lines.join("\n"));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the sandbox`);
    sandbox.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
