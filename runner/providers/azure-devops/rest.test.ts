import { describe, expect, it } from "vitest";
import { authorization, azureFailure, azureTarget } from "./rest";

const ctx = { host: "dev.azure.com", repository: "contoso/proj/app", token: "patpatpatpatpatpatpatpatpatpatpatpatpatpatpatpatpat1" };
const answer = (status: number, body: unknown, contentType = "application/json; charset=utf-8") => ({ status, headers: new Headers(), contentType, body });
const vss = (message: string, typeKey: string) => ({ $id: "1", innerException: null, message, typeName: `Microsoft.TeamFoundation.${typeKey}`, typeKey, errorCode: 0, eventId: 3000 });

describe("azureTarget", () => {
  it("finds the organization on Services, the collection on Server, and skips _git from a clone URL's path", () => {
    expect(azureTarget({ apiUrl: "https://dev.azure.com", repository: "contoso/proj/app" })).toEqual({ orgUrl: "https://dev.azure.com/contoso", project: "proj", repo: "app" });
    expect(azureTarget({ apiUrl: "https://dev.azure.com/", repository: "contoso/proj/_git/app" })).toEqual({ orgUrl: "https://dev.azure.com/contoso", project: "proj", repo: "app" });
    expect(azureTarget({ apiUrl: "https://tfs.example.com/tfs/DefaultCollection", repository: "proj/app" })).toEqual({ orgUrl: "https://tfs.example.com/tfs/DefaultCollection", project: "proj", repo: "app" });
    expect(azureTarget({ apiUrl: "https://tfs.example.com/tfs/DefaultCollection", repository: "tfs/DefaultCollection/proj/_git/app" }).orgUrl).toBe("https://tfs.example.com/tfs/DefaultCollection");
    expect(azureTarget({ apiUrl: "https://tfs.example.com/tfs", repository: "tfs/Other/proj/app" }).orgUrl).toBe("https://tfs.example.com/tfs/Other");
    expect(() => azureTarget({ apiUrl: "https://dev.azure.com", repository: "app" })).toThrow(/organization\/project\/repository/);
  });
});

describe("authorization", () => {
  it("sends an Entra access token as a bearer token and a PAT over Basic with an empty user name", () => {
    expect(authorization("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln")).toBe("Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln");
    expect(authorization("abc123")).toBe(`Basic ${Buffer.from(":abc123").toString("base64")}`);
  });
});

describe("azureFailure", () => {
  it("reads the sign-in page as a token no longer accepted, and TF400813 as a token without the scope", () => {
    expect(azureFailure(answer(203, undefined, "text/html; charset=utf-8"), ctx).code).toBe("credential_needs_reauth");
    expect(azureFailure(answer(401, vss("TF400813: The user 'x' is not authorized to access this resource.", "UnauthorizedRequestException")), ctx).code).toBe("pat_missing_scopes");
    expect(azureFailure(answer(401, vss("VS30063: You are not authorized to access https://dev.azure.com.", "UnauthorizedRequestException")), ctx).code).toBe("credential_needs_reauth");
  });

  it("maps Azure's refusals and passes its own reason on for requests it did not accept", () => {
    expect(azureFailure(answer(403, vss("TF401027: You need the Git 'PullRequestContribute' permission to perform this action.", "GitNeedsPermissionException")), ctx).code).toBe("repository_permission_denied");
    expect(azureFailure(answer(404, vss("TF401180: The requested pull request was not found.", "GitPullRequestNotFoundException")), ctx).code).toBe("repository_permission_denied");
    const exists = azureFailure(answer(409, vss("TF401179: An active pull request for the source and target branch already exists.", "GitPullRequestExistsException")), ctx);
    expect(exists).toMatchObject({ code: "validation_failed", message: expect.stringContaining("TF401179: An active pull request") });
    const echo = azureFailure(answer(400, vss(`bad ${ctx.token}`, "X")), ctx);
    expect(echo.message).not.toContain(ctx.token);
  });
});
