import { describe, expect, it } from "vitest";
import { environmentCommands, runnerDataDir } from "./environment-commands";

const id = "0b6f2a4e-3c1d-4e5f-8a9b-1c2d3e4f5a6b";

describe("environmentCommands", () => {
  it("derives the runner's data directory from the clone's path", () => {
    expect(runnerDataDir(`/var/lib/scm-runner/environments/${id}`, id)).toBe("/var/lib/scm-runner");
    expect(runnerDataDir(`/var/lib/scm-runner/environments/${id}/`, id)).toBe("/var/lib/scm-runner");
    expect(runnerDataDir(`/srv/clones/${id}`, id)).toBeNull();
    expect(runnerDataDir(`/var/lib/environments/other`, id)).toBeNull();
    expect(runnerDataDir(null, id)).toBeNull();
  });

  it("gives git, a shell and the agent tools endpoint of an installed runner, with --data-dir when known and quoted for the shell", () => {
    expect(environmentCommands({ environmentId: id, clonePath: `/var/lib/scm-runner/environments/${id}` })).toEqual({
      git: `scm-runner exec --data-dir /var/lib/scm-runner --environment ${id} -- git status`,
      shell: `scm-runner exec --data-dir /var/lib/scm-runner --environment ${id} -- sh`,
      agentTools: `scm-runner agent-tools endpoint --environment ${id} --data-dir /var/lib/scm-runner`,
      dataDir: "/var/lib/scm-runner",
    });
    expect(environmentCommands({ environmentId: id, clonePath: `/my runner's/environments/${id}` }).git).toBe(`scm-runner exec --data-dir '/my runner'\\''s' --environment ${id} -- git status`);
    expect(environmentCommands({ environmentId: id, clonePath: null }).git).toBe(`scm-runner exec --environment ${id} -- git status`);
  });

  it("gives the checkout's npm commands for the local runner of npm start", () => {
    expect(environmentCommands({ environmentId: id, clonePath: `/home/ada/scm/.data/local-runner/environments/${id}` })).toEqual({
      git: `npm run -s runner -- exec --data-dir /home/ada/scm/.data/local-runner --environment ${id} -- git status`,
      shell: `npm run -s runner -- exec --data-dir /home/ada/scm/.data/local-runner --environment ${id} -- sh`,
      agentTools: `npm run -s agent-tools -- endpoint --environment ${id} --data-dir /home/ada/scm/.data/local-runner`,
      dataDir: "/home/ada/scm/.data/local-runner",
    });
  });
});
