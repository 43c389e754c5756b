import { describe, expect, it } from "vitest";
import { ROLES, type Role } from "@/lib/domain/basics";
import { atLeast, can, CAPABILITIES, higherRole, isRole, type Capability } from "./roles";

const expected: Record<Role, Capability[]> = {
  viewer: ["read"],
  responder: ["read", "rollback", "abort", "reassert"],
  operator: ["read", "rollback", "abort", "reassert", "shift", "promote"],
  admin: ["read", "rollback", "abort", "reassert", "shift", "promote", "admin"],
};

describe("can", () => {
  it.each(ROLES)("gives %s exactly its capabilities", (role) => {
    expect(CAPABILITIES.filter((c) => can(role, c))).toEqual(expected[role]);
  });

  it("is monotonic in the role rank", () => {
    for (const capability of CAPABILITIES) {
      const holders = ROLES.map((r) => can(r, capability));
      // Once a role has it, every higher role has it too.
      expect(holders.slice(holders.indexOf(true)).every(Boolean)).toBe(true);
    }
  });
});

describe("role helpers", () => {
  it("ranks viewer < responder < operator < admin", () => {
    expect(atLeast("operator", "responder")).toBe(true);
    expect(atLeast("responder", "operator")).toBe(false);
    expect(atLeast("viewer", "viewer")).toBe(true);
    expect(higherRole("viewer", "admin")).toBe("admin");
    expect(higherRole("operator", "responder")).toBe("operator");
  });

  it("recognises role names only", () => {
    expect(isRole("admin")).toBe(true);
    expect(isRole("Admin")).toBe(false);
    expect(isRole("root")).toBe(false);
    expect(isRole(undefined)).toBe(false);
  });
});
