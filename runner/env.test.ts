import { describe, expect, it } from "vitest";
import { parseRunnerEnv, RunnerEnvError, runnerLogLevel } from "./env";

describe("runner environment", () => {
  it("needs nothing: every variable has a default or is optional", () => {
    const env = parseRunnerEnv({});
    expect(env.LOG_LEVEL).toBe("info");
    expect(env.RUNNER_ISOLATION).toBe("auto");
  });

  it("ignores the plane's variables and treats empty strings as unset", () => {
    const env = parseRunnerEnv({ DATABASE_URL: "mysql://not-the-runners", AUTH_SECRET: "short", LOG_LEVEL: "", RUNNER_ISOLATION: " OS-User " });
    expect(env.LOG_LEVEL).toBe("info");
    expect(env.RUNNER_ISOLATION).toBe("os-user");
  });

  it("names every bad variable", () => {
    let error: RunnerEnvError | undefined;
    try {
      parseRunnerEnv({ LOG_LEVEL: "loud", RUNNER_ISOLATION: "chroot", RUNNER_PLANE_URL: "not a url" });
    } catch (e) {
      error = e as RunnerEnvError;
    }
    expect(error).toBeInstanceOf(RunnerEnvError);
    expect(error!.problems.join("\n")).toMatch(/LOG_LEVEL[\s\S]*RUNNER_ISOLATION[\s\S]*RUNNER_PLANE_URL/);
  });

  it("logs at info when LOG_LEVEL is invalid, and follows a changed value", () => {
    expect(runnerLogLevel({ LOG_LEVEL: "loud" })).toBe("info");
    expect(runnerLogLevel({ LOG_LEVEL: "warn" })).toBe("warn");
    expect(runnerLogLevel({})).toBe("info");
  });
});
