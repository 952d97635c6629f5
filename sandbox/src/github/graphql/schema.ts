import { buildSchema, type GraphQLSchema } from "graphql";

/**
 * A subset of GitHub's public GraphQL schema (https://docs.github.com/en/graphql/reference), with
 * GitHub's own type, field, argument and enum names: what the agent tools need that GitHub's REST
 * API lacks (review threads with their resolved state, resolving them, draft ↔ ready), plus the
 * fields around them a client commonly selects. Anything else is a validation error, as a field
 * GitHub does not have would be.
 */
const SDL = /* GraphQL */ `
  "An ISO-8601 encoded UTC date string."
  scalar DateTime
  "An RFC 3986, RFC 3987, and RFC 6570 (level 4) compliant URI string."
  scalar URI

  interface Node {
    id: ID!
  }

  interface Actor {
    login: String!
    url: URI!
    avatarUrl(size: Int): URI!
  }

  interface RepositoryOwner {
    id: ID!
    login: String!
    url: URI!
  }

  type User implements Node & Actor & RepositoryOwner {
    id: ID!
    databaseId: Int
    login: String!
    name: String
    url: URI!
    avatarUrl(size: Int): URI!
  }

  type Organization implements Node & Actor & RepositoryOwner {
    id: ID!
    databaseId: Int
    login: String!
    name: String
    url: URI!
    avatarUrl(size: Int): URI!
  }

  type PageInfo {
    endCursor: String
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
  }

  enum PullRequestState {
    CLOSED
    MERGED
    OPEN
  }

  enum DiffSide {
    LEFT
    RIGHT
  }

  type Repository implements Node {
    id: ID!
    databaseId: Int
    name: String!
    nameWithOwner: String!
    owner: RepositoryOwner!
    isPrivate: Boolean!
    url: URI!
    pullRequest(number: Int!): PullRequest
  }

  type PullRequest implements Node {
    id: ID!
    databaseId: Int
    number: Int!
    title: String!
    state: PullRequestState!
    isDraft: Boolean!
    url: URI!
    headRefName: String!
    headRefOid: String!
    baseRefName: String!
    author: Actor
    repository: Repository!
    reviewThreads(after: String, before: String, first: Int, last: Int): PullRequestReviewThreadConnection!
  }

  type PullRequestReviewThreadConnection {
    edges: [PullRequestReviewThreadEdge]
    nodes: [PullRequestReviewThread]
    pageInfo: PageInfo!
    totalCount: Int!
  }

  type PullRequestReviewThreadEdge {
    cursor: String!
    node: PullRequestReviewThread
  }

  type PullRequestReviewThread implements Node {
    id: ID!
    isResolved: Boolean!
    isOutdated: Boolean!
    isCollapsed: Boolean!
    path: String!
    line: Int
    originalLine: Int
    startLine: Int
    originalStartLine: Int
    diffSide: DiffSide!
    startDiffSide: DiffSide
    subjectType: PullRequestReviewThreadSubjectType!
    resolvedBy: User
    viewerCanReply: Boolean!
    viewerCanResolve: Boolean!
    viewerCanUnresolve: Boolean!
    pullRequest: PullRequest!
    repository: Repository!
    comments(after: String, before: String, first: Int, last: Int, skip: Int): PullRequestReviewCommentConnection!
  }

  enum PullRequestReviewThreadSubjectType {
    FILE
    LINE
  }

  type PullRequestReviewCommentConnection {
    edges: [PullRequestReviewCommentEdge]
    nodes: [PullRequestReviewComment]
    pageInfo: PageInfo!
    totalCount: Int!
  }

  type PullRequestReviewCommentEdge {
    cursor: String!
    node: PullRequestReviewComment
  }

  type PullRequestReviewComment implements Node {
    id: ID!
    databaseId: Int
    body: String!
    author: Actor
    createdAt: DateTime!
    updatedAt: DateTime!
    url: URI!
    path: String!
    diffHunk: String!
    line: Int
    originalLine: Int
    outdated: Boolean!
    replyTo: PullRequestReviewComment
  }

  type Query {
    "The currently authenticated user."
    viewer: User!
    "Lookup a given repository by the owner and repository name."
    repository(owner: String!, name: String!, followRenames: Boolean = true): Repository
    "Fetches an object given its ID."
    node(id: ID!): Node
  }

  input ResolveReviewThreadInput {
    clientMutationId: String
    threadId: ID!
  }

  type ResolveReviewThreadPayload {
    clientMutationId: String
    thread: PullRequestReviewThread
  }

  input UnresolveReviewThreadInput {
    clientMutationId: String
    threadId: ID!
  }

  type UnresolveReviewThreadPayload {
    clientMutationId: String
    thread: PullRequestReviewThread
  }

  input ConvertPullRequestToDraftInput {
    clientMutationId: String
    pullRequestId: ID!
  }

  type ConvertPullRequestToDraftPayload {
    clientMutationId: String
    pullRequest: PullRequest
  }

  input MarkPullRequestReadyForReviewInput {
    clientMutationId: String
    pullRequestId: ID!
  }

  type MarkPullRequestReadyForReviewPayload {
    clientMutationId: String
    pullRequest: PullRequest
  }

  type Mutation {
    "Marks a review thread as resolved."
    resolveReviewThread(input: ResolveReviewThreadInput!): ResolveReviewThreadPayload
    "Marks a review thread as unresolved."
    unresolveReviewThread(input: UnresolveReviewThreadInput!): UnresolveReviewThreadPayload
    "Converts a pull request to draft"
    convertPullRequestToDraft(input: ConvertPullRequestToDraftInput!): ConvertPullRequestToDraftPayload
    "Marks a pull request ready for review."
    markPullRequestReadyForReview(input: MarkPullRequestReadyForReviewInput!): MarkPullRequestReadyForReviewPayload
  }
`;

let schema: GraphQLSchema | null = null;

/** The schema, built once per process. */
export function githubGraphqlSchema(): GraphQLSchema {
  schema ??= buildSchema(SDL);
  return schema;
}
