import { describe, expect, it } from "vitest";
import { checkRole, hasRole, Role } from "./roles";

describe("role guards", () => {
  it("each role includes the ones below it and none above", () => {
    expect(hasRole("admin", "instructor")).toBe(true);
    expect(hasRole("instructor", "instructor")).toBe(true);
    expect(hasRole("instructor", "learner")).toBe(true);
    expect(hasRole("learner", "instructor")).toBe(false);
    expect(hasRole("instructor", "admin")).toBe(false);
  });

  it("sends the signed-out to sign in and refuses a lesser role", () => {
    expect(checkRole(null, "learner")).toEqual({ ok: false, reason: "signed-out" });
    expect(checkRole("learner", "admin")).toEqual({ ok: false, reason: "forbidden" });
    expect(checkRole("instructor", "admin")).toEqual({ ok: false, reason: "forbidden" });
    expect(checkRole("admin", "admin")).toEqual({ ok: true });
  });

  it("knows exactly the three stored role names", () => {
    expect(Role.options).toEqual(["learner", "instructor", "admin"]);
    expect(Role.safeParse("root").success).toBe(false);
  });
});
