import { z } from "zod";
import { PROVIDERS, type ProviderId } from "../types";

/** The admin API's input schemas, shared by the HTTP routes and the in-process client. */

export const providerSchema = z.enum(PROVIDERS);
export const permissionSchema = z.enum(["read", "write", "admin"]);

/** Which hosts each provider has (faults can target one of them). */
export const PROVIDER_HOSTS: Record<ProviderId, readonly string[]> = {
  github: ["web", "api"],
  gitlab: ["web"],
  bitbucket: ["web", "api"],
  "azure-devops": ["web", "vssps", "entra"],
};

const login = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "letters, digits, '.', '_' and '-' only");
const slug = login;
const branchName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^(?!\/)(?!.*\.\.)(?!.*\/$)[A-Za-z0-9._/-]+$/, "not a valid branch name");
const filePath = z
  .string()
  .min(1)
  .max(400)
  .regex(/^(?!\/)(?!.*(^|\/)\.\.?(\/|$))[^\0\n]+$/, "a relative path without '.' or '..' segments");
const files = z.record(filePath, z.string().max(1_000_000));

export const createUserSchema = z.strictObject({
  provider: providerSchema,
  login,
  name: z.string().min(1).max(200).optional(),
  email: z.email().optional(),
  /** Azure DevOps organizations the user is a member of. */
  organizations: z.array(slug).max(50).optional(),
});

export const registerOAuthAppSchema = z
  .strictObject({
    provider: providerSchema,
    name: z.string().min(1).max(100).default("Sandbox app"),
    callbackUrls: z.array(z.url({ protocol: /^https?$/ })).min(1).max(10),
    /** GitLab: the scopes the application may request; Bitbucket: the consumer's scopes. */
    scopes: z.array(z.string().min(1).max(200)).max(50).optional(),
    /** GitHub: a GitHub App with expiring user tokens (8 h, with a refresh token). */
    expiringTokens: z.boolean().default(false),
    /** Azure DevOps: the Entra ID tenant the app is registered in. */
    tenant: z.string().min(1).max(100).optional(),
    clientId: z.string().min(1).max(100).optional(),
    clientSecret: z.string().min(8).max(200).optional(),
  })
  .superRefine((input, ctx) => {
    if (input.expiringTokens && input.provider !== "github") {
      ctx.addIssue({ code: "custom", path: ["expiringTokens"], message: "only GitHub Apps have expiring user tokens" });
    }
    if (input.tenant !== undefined && input.provider !== "azure-devops") {
      ctx.addIssue({ code: "custom", path: ["tenant"], message: "only Azure DevOps apps live in an Entra ID tenant" });
    }
  });

export const issuePatSchema = z
  .strictObject({
    provider: providerSchema,
    login,
    /** GitHub: `classic` (`ghp_`) or `fine-grained` (`github_pat_`). */
    kind: z.enum(["classic", "fine-grained"]).default("classic"),
    name: z.string().min(1).max(200).default("sandbox token"),
    scopes: z.array(z.string().min(1).max(200)).max(50).optional(),
    expiresAt: z.iso.datetime({ offset: true }).nullable().optional(),
    /** Relative expiry; negative values give an already expired token. */
    expiresInSeconds: z.number().int().min(-31_536_000).max(31_536_000 * 5).optional(),
    /** Fine-grained PATs: repository (`owner/name`) to permission. */
    repositories: z.record(z.string().min(3).max(200), permissionSchema).optional(),
    /** GitHub: organizations whose SAML SSO has not authorized this token (empty list = all). */
    ssoUnauthorizedOrgs: z.array(slug).max(50).optional(),
    /** Azure DevOps: organizations the PAT is limited to; omitted = all accessible organizations. */
    organizations: z.array(slug).min(1).max(50).optional(),
  })
  .superRefine((input, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    if (input.kind === "fine-grained" && input.provider !== "github") issue("kind", "fine-grained tokens exist on GitHub only");
    if (input.repositories && input.kind !== "fine-grained") issue("repositories", "only fine-grained tokens carry repository permissions");
    if (input.kind === "fine-grained" && input.scopes?.length) issue("scopes", "fine-grained tokens have permissions, not scopes");
    if (input.ssoUnauthorizedOrgs && input.provider !== "github") issue("ssoUnauthorizedOrgs", "SAML SSO authorization is modelled for GitHub only");
    if (input.organizations && input.provider !== "azure-devops") issue("organizations", "only Azure DevOps PATs are scoped to organizations");
    if (input.expiresAt !== undefined && input.expiresInSeconds !== undefined) issue("expiresInSeconds", "give expiresAt or expiresInSeconds, not both");
  });

export const revokeTokenSchema = z
  .strictObject({
    id: z.number().int().positive().optional(),
    value: z.string().min(1).max(2000).optional(),
    /** Revoke the whole OAuth authorization (every token of the grant), as a user removing the app does. */
    grant: z.boolean().default(false),
  })
  .refine((input) => (input.id === undefined) !== (input.value === undefined), { message: "give exactly one of id or value" });

export const createRepoSchema = z
  .strictObject({
    provider: providerSchema,
    /** `owner/name`; GitLab `group[/subgroup]/name`; Azure DevOps `org/project/name`. */
    path: z.string().min(3).max(300).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)+$/, "segments of letters, digits, '.', '_' and '-'"),
    private: z.boolean().default(true),
    description: z.string().max(1000).optional(),
    defaultBranch: branchName.default("main"),
    files: files.optional(),
    branches: z.array(z.strictObject({ name: branchName, files, message: z.string().min(1).max(500).optional() })).max(20).default([]),
    collaborators: z.array(z.strictObject({ login, permission: permissionSchema })).max(100).default([]),
    /** Bulk content for benchmarks: `count` generated files of about `bytes` bytes each. */
    generatedFiles: z.strictObject({ count: z.number().int().min(1).max(50_000), bytes: z.number().int().min(1).max(1_000_000).optional() }).optional(),
  })
  .superRefine((input, ctx) => {
    const segments = input.path.split("/").length;
    const wanted = input.provider === "azure-devops" ? "exactly 3 segments (org/project/name)" : input.provider === "gitlab" ? null : "exactly 2 segments (owner/name)";
    const ok = input.provider === "azure-devops" ? segments === 3 : input.provider === "gitlab" ? segments >= 2 : segments === 2;
    if (!ok) ctx.addIssue({ code: "custom", path: ["path"], message: `needs ${wanted}` });
    if (input.path.split("/").some((s) => s.endsWith(".git"))) ctx.addIssue({ code: "custom", path: ["path"], message: "must not end in .git" });
    if (input.branches.some((b) => b.name === input.defaultBranch)) ctx.addIssue({ code: "custom", path: ["branches"], message: "the default branch is created from files" });
  });

export const FAULT_KINDS = ["latency", "hang", "status", "sso_required", "unreachable", "expire_tokens"] as const;

export const addFaultSchema = z
  .strictObject({
    provider: providerSchema,
    host: z.enum(["web", "api", "vssps", "entra"]).optional(),
    method: z.enum(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]).optional(),
    /** Path prefix, e.g. `/user` or `/api/v4/`. */
    path: z.string().startsWith("/").max(500).optional(),
    pathRegex: z
      .string()
      .min(1)
      .max(500)
      .refine((pattern) => {
        try {
          new RegExp(pattern);
          return true;
        } catch {
          return false;
        }
      }, "not a valid regular expression")
      .optional(),
    kind: z.enum(FAULT_KINDS),
    latencyMs: z.number().int().min(1).max(600_000).optional(),
    /** 4xx/5xx answer in the provider's format; 2xx needs a `body` (a stub answer, e.g. to test validation). */
    status: z.number().int().min(200).max(599).optional(),
    retryAfterSeconds: z.number().int().min(0).max(86_400).optional(),
    body: z.json().optional(),
    headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/), z.string().max(2000)).default({}),
    /** How many matching requests the fault applies to; omitted = until cleared. */
    count: z.number().int().min(1).max(1_000_000).optional(),
  })
  .superRefine((input, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    if (input.host && !PROVIDER_HOSTS[input.provider].includes(input.host)) {
      issue("host", `${input.provider} has the hosts ${PROVIDER_HOSTS[input.provider].join(", ")}`);
    }
    if (input.kind === "latency" && input.latencyMs === undefined) issue("latencyMs", "a latency fault needs latencyMs");
    if (input.kind !== "latency" && input.latencyMs !== undefined) issue("latencyMs", "only latency faults take latencyMs");
    if (input.kind === "status" && input.status === undefined) issue("status", "a status fault needs status");
    if (input.status !== undefined && input.status < 400 && input.body === undefined) issue("body", "a 2xx/3xx status fault needs a body");
    if (input.kind !== "status" && (input.status !== undefined || input.body !== undefined)) issue("status", "only status faults take status and body");
  });

export const clearFaultsSchema = z.strictObject({ provider: providerSchema.optional() });

export const autoApproveSchema = z.strictObject({ provider: z.union([providerSchema, z.literal("all")]), enabled: z.boolean() });

export const signInSchema = z.strictObject({ provider: providerSchema, login });

export const requestsQuerySchema = z.strictObject({
  provider: providerSchema.optional(),
  since: z.coerce.number().int().min(0).optional(),
});

export type CreateUserInput = z.input<typeof createUserSchema>;
export type RegisterOAuthAppInput = z.input<typeof registerOAuthAppSchema>;
export type IssuePatInput = z.input<typeof issuePatSchema>;
export type RevokeTokenInput = z.input<typeof revokeTokenSchema>;
export type CreateRepoInput = z.input<typeof createRepoSchema>;
export type AddFaultInput = z.input<typeof addFaultSchema>;
export type RequestsQuery = z.input<typeof requestsQuerySchema>;

/** GitHub: where a seeded check or status goes: a repository and a commit, named by SHA or by branch (its tip). */
const githubCommit = {
  repository: z.string().min(3).max(300).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/, "owner/name"),
  sha: z.string().regex(/^[0-9a-f]{40}$/, "a full commit SHA").optional(),
  branch: branchName.optional(),
};
const oneCommit = (input: { sha?: string; branch?: string }) => (input.sha === undefined) !== (input.branch === undefined);

/** GitHub: a check run as a GitHub App (GitHub Actions by default) reports it; apps alone can create them. */
export const createCheckRunSchema = z
  .strictObject({
    ...githubCommit,
    name: z.string().min(1).max(200),
    status: z.enum(["queued", "in_progress", "completed", "waiting", "requested", "pending"]).default("completed"),
    conclusion: z.enum(["success", "failure", "neutral", "cancelled", "skipped", "timed_out", "action_required"]).optional(),
    detailsUrl: z.url().optional(),
    title: z.string().max(1000).optional(),
    summary: z.string().max(65_535).optional(),
    app: z.string().min(1).max(100).default("GitHub Actions"),
  })
  .refine(oneCommit, { message: "give exactly one of sha or branch", path: ["sha"] })
  .refine((input) => (input.status === "completed") === (input.conclusion !== undefined), { message: "a completed check run needs a conclusion, and only a completed one has one", path: ["conclusion"] });

/** GitHub: a commit status posted by a user (as `POST /repos/{owner}/{repo}/statuses/{sha}` does). */
export const createCommitStatusSchema = z
  .strictObject({
    ...githubCommit,
    login,
    state: z.enum(["error", "failure", "pending", "success"]),
    context: z.string().min(1).max(255).default("default"),
    description: z.string().max(140).optional(),
    targetUrl: z.url().optional(),
  })
  .refine(oneCommit, { message: "give exactly one of sha or branch", path: ["sha"] });

export type CreateCheckRunInput = z.input<typeof createCheckRunSchema>;
export type CreateCommitStatusInput = z.input<typeof createCommitStatusSchema>;

/** GitHub: another user's review of a pull request, with inline comments, as that user would submit it. */
export const createGithubReviewSchema = z.strictObject({
  repository: githubCommit.repository,
  number: z.number().int().positive(),
  login,
  event: z.enum(["APPROVE", "REQUEST_CHANGES", "COMMENT"]).default("COMMENT"),
  body: z.string().max(65_536).default(""),
  comments: z
    .array(z.strictObject({ path: filePath, line: z.number().int().positive(), side: z.enum(["LEFT", "RIGHT"]).default("RIGHT"), body: z.string().min(1).max(65_536) }))
    .max(50)
    .default([]),
});

export type CreateGithubReviewInput = z.input<typeof createGithubReviewSchema>;
