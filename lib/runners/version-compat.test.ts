import { describe, expect, it } from "vitest";
import { versionCompatibility } from "./version-compat";

describe("versionCompatibility", () => {
  it("is the same for equal versions, and for a runner that has not said its version", () => {
    expect(versionCompatibility("0.4.2", "0.4.2")).toEqual({ status: "same" });
    expect(versionCompatibility(null, "0.4.2")).toEqual({ status: "same" });
  });

  it("lets a patch difference work, and says where the matching runner is", () => {
    const c = versionCompatibility("0.4.1", "0.4.3");
    expect(c.status).toBe("patch_differs");
    expect(c.status !== "same" && c.message).toContain("Install runner 0.4.3 from Settings > Runners");
    expect(versionCompatibility("2.1.0", "2.7.4").status).toBe("patch_differs");
  });

  it("calls a different runner API line incompatible: the minor while the major is 0, the major after", () => {
    expect(versionCompatibility("0.3.9", "0.4.0").status).toBe("incompatible");
    expect(versionCompatibility("0.5.0", "0.4.0").status).toBe("incompatible");
    expect(versionCompatibility("1.9.0", "2.0.0").status).toBe("incompatible");
    expect(versionCompatibility("not-a-version", "0.4.0").status).toBe("incompatible");
    const c = versionCompatibility("0.3.9", "0.4.0");
    expect(c.status !== "same" && c.message).toMatch(/^Runner 0\.3\.9 and management plane 0\.4\.0 speak different versions of the runner API/);
  });

  it("reads pre-release and build suffixes as their version", () => {
    expect(versionCompatibility("0.4.0-rc.1", "0.4.0").status).toBe("patch_differs");
  });
});
