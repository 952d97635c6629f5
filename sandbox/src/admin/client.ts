import type { z } from "zod";
import type { TokenEndpointCounters } from "../store";
import type { OpenApiViolation, ProviderId, RequestLogEntry, Revocation } from "../types";
import type { FaultDto, OAuthAppDto, RepoDto, TokenDto, UserDto } from "./dto";
import * as gitlab from "./gitlab";
import * as ops from "./operations";
import { bitbucketRepoSettingsSchema, configureBitbucketRepo, type BitbucketRepoSettingsDto, type BitbucketRepoSettingsInput } from "./bitbucket-operations";
import { setPolicyEvaluation, setPolicyEvaluationSchema, type PolicyEvaluationDto, type SetPolicyEvaluationInput } from "./azure-operations";
import { createCheckRun, createCommitStatus, createGithubReview, type CheckDto, type ReviewDto } from "./github-operations";
import {
  addFaultSchema,
  autoApproveSchema,
  clearFaultsSchema,
  createRepoSchema,
  createUserSchema,
  issuePatSchema,
  registerOAuthAppSchema,
  requestsQuerySchema,
  revokeTokenSchema,
  signInSchema,
  type AddFaultInput,
  type CreateRepoInput,
  type CreateUserInput,
  type IssuePatInput,
  type RegisterOAuthAppInput,
  type RequestsQuery,
  type RevokeTokenInput,
  createCheckRunSchema,
  createCommitStatusSchema,
  type CreateCheckRunInput,
  type CreateCommitStatusInput,
  createGithubReviewSchema,
  type CreateGithubReviewInput,
} from "./schemas";

/** Validates admin input, answering like the HTTP admin API does (400 with the issues). */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message }));
  throw new ops.AdminError(400, "invalid_request", `invalid input: ${issues.map((i) => `${i.path || "(root)"}: ${i.message}`).join("; ")}`, issues);
}

/** The sandbox's admin API, in process. Every method runs the same validation and logic as its HTTP route. */
export interface SandboxAdmin {
  createUser(input: CreateUserInput): Promise<UserDto>;
  registerOAuthApp(input: RegisterOAuthAppInput): Promise<OAuthAppDto>;
  issuePat(input: IssuePatInput): Promise<TokenDto>;
  getToken(ref: { id: number } | { value: string }): Promise<TokenDto>;
  revokeToken(input: RevokeTokenInput): Promise<{ revoked: number }>;
  createRepo(input: CreateRepoInput): Promise<RepoDto>;
  addFault(input: AddFaultInput): Promise<FaultDto>;
  removeFault(id: number): Promise<{ removed: number }>;
  clearFaults(provider?: ProviderId): Promise<{ removed: number }>;
  faults(): FaultDto[];
  setAutoApprove(provider: ProviderId | "all", enabled: boolean): Promise<{ provider: string; enabled: boolean }>;
  signIn(provider: ProviderId, login: string): Promise<UserDto>;
  requests(query?: RequestsQuery): RequestLogEntry[];
  revocations(): Revocation[];
  violations(): OpenApiViolation[];
  /** How many GitHub responses were checked against the OpenAPI description. */
  validatedResponses(): number;
  tokenEndpointCounters(): Record<ProviderId, TokenEndpointCounters>;
  /** Bitbucket: the issue tracker on or off, and its components. */
  configureBitbucketRepo(input: BitbucketRepoSettingsInput): Promise<BitbucketRepoSettingsDto>;
  /** GitHub: seeds a check run on a commit (as GitHub Actions, by default). */
  createCheckRun(input: CreateCheckRunInput): Promise<CheckDto>;
  /** GitHub: seeds a commit status as a user posted it. */
  createCommitStatus(input: CreateCommitStatusInput): Promise<CheckDto>;
  /** GitHub: seeds a user's review of a pull request, with inline comments. */
  createGithubReview(input: CreateGithubReviewInput): Promise<ReviewDto>;
  /** GitLab: a pipeline with jobs for a commit (what a runner would run). */
  createGitlabPipeline(input: gitlab.CreateGitlabPipelineInput): Promise<gitlab.GitlabPipelineDto>;
  /** GitLab: moves a pipeline job to another status. */
  updateGitlabJob(id: number, input: gitlab.UpdateGitlabJobInput): Promise<gitlab.GitlabJobDto & { pipelineStatus: string }>;
  /** Azure DevOps: sets a branch policy's evaluation for a pull request (queued, running, approved, ...). */
  setPolicyEvaluation(input: SetPolicyEvaluationInput): Promise<PolicyEvaluationDto>;
}

/** Builds the in-process admin client over a sandbox's state. */
export function createAdminClient(ctx: ops.AdminContext): SandboxAdmin {
  // Mutations are async like their HTTP counterparts, so a caller can switch between the two.
  const run = async <T>(fn: () => T | Promise<T>): Promise<T> => fn();
  return {
    createUser: (input) => run(() => ops.createUser(ctx, parseInput(createUserSchema, input))),
    registerOAuthApp: (input) => run(() => ops.registerOAuthApp(ctx, parseInput(registerOAuthAppSchema, input))),
    issuePat: (input) => run(() => ops.issuePat(ctx, parseInput(issuePatSchema, input))),
    getToken: (ref) => run(() => ops.getToken(ctx, ref)),
    revokeToken: (input) => run(() => ops.revokeToken(ctx, parseInput(revokeTokenSchema, input))),
    createRepo: (input) => run(() => ops.createRepo(ctx, parseInput(createRepoSchema, input))),
    addFault: (input) => run(() => ops.addFault(ctx, parseInput(addFaultSchema, input))),
    removeFault: (id) => run(() => ops.removeFault(ctx, id)),
    clearFaults: (provider) => run(() => ops.clearFaults(ctx, parseInput(clearFaultsSchema, { provider }))),
    faults: () => ops.listFaults(ctx),
    setAutoApprove: (provider, enabled) => run(() => ops.setAutoApprove(ctx, parseInput(autoApproveSchema, { provider, enabled }))),
    signIn: (provider, login) => run(() => ops.signIn(ctx, parseInput(signInSchema, { provider, login }))),
    requests: (query = {}) => ops.listRequests(ctx, parseInput(requestsQuerySchema, query)),
    revocations: () => ops.listRevocations(ctx),
    violations: () => ops.listViolations(ctx),
    validatedResponses: () => ctx.store.validatedResponses,
    tokenEndpointCounters: () => ops.tokenEndpointCounters(ctx),
    configureBitbucketRepo: (input) => run(() => configureBitbucketRepo(ctx, parseInput(bitbucketRepoSettingsSchema, input))),
    createCheckRun: (input) => run(() => createCheckRun(ctx, parseInput(createCheckRunSchema, input))),
    createCommitStatus: (input) => run(() => createCommitStatus(ctx, parseInput(createCommitStatusSchema, input))),
    createGithubReview: (input) => run(() => createGithubReview(ctx, parseInput(createGithubReviewSchema, input))),
    createGitlabPipeline: (input) => run(() => gitlab.createGitlabPipeline(ctx, parseInput(gitlab.createGitlabPipelineSchema, input))),
    updateGitlabJob: (id, input) => run(() => gitlab.updateGitlabJob(ctx, id, parseInput(gitlab.updateGitlabJobSchema, input))),
    setPolicyEvaluation: (input) => run(() => setPolicyEvaluation(ctx, parseInput(setPolicyEvaluationSchema, input))),
  };
}
