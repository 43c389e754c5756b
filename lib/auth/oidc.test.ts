import { describe, expect, it } from "vitest";
import { parseDefaultRole, parseRoleMap, roleFromClaims } from "./oidc";

describe("parseRoleMap", () => {
  it("parses claim-value=role pairs", () => {
    expect(parseRoleMap("teal-admins=admin, deployers=operator,,oncall=responder")).toEqual({
      "teal-admins": "admin",
      deployers: "operator",
      oncall: "responder",
    });
    expect(parseRoleMap(undefined)).toEqual({});
    expect(parseRoleMap("  ")).toEqual({});
  });

  it("names the bad entry", () => {
    expect(() => parseRoleMap("ops=superuser")).toThrow(/OIDC_ROLE_MAP: "ops=superuser"/);
    expect(() => parseRoleMap("admin")).toThrow(/OIDC_ROLE_MAP/);
    expect(() => parseRoleMap("=admin")).toThrow(/OIDC_ROLE_MAP/);
  });
});

describe("roleFromClaims", () => {
  it("gives no role to a user whose claims map to none, unless a default role is set", () => {
    expect(roleFromClaims({ sub: "1" }, "roles")).toBeNull();
    expect(roleFromClaims({ roles: "superuser" }, "roles")).toBeNull();
    expect(roleFromClaims({ roles: 42 }, "roles")).toBeNull();
    expect(roleFromClaims({ groups: ["staff"] }, "groups", parseRoleMap("deployers=operator"))).toBeNull();
    expect(roleFromClaims({ groups: ["staff"] }, "groups", parseRoleMap("deployers=operator"), "viewer")).toBe("viewer");
    // A mapped value wins over the default, even a lower one.
    expect(roleFromClaims({ groups: ["viewers"] }, "groups", parseRoleMap("viewers=viewer"), "responder")).toBe("viewer");
  });

  it("reads OIDC_DEFAULT_ROLE: unset means none, anything but a role is refused", () => {
    expect(parseDefaultRole(undefined)).toBeNull();
    expect(parseDefaultRole(" ")).toBeNull();
    expect(parseDefaultRole("viewer")).toBe("viewer");
    expect(() => parseDefaultRole("everyone")).toThrow(/OIDC_DEFAULT_ROLE: "everyone"/);
  });

  it("takes a Teal role name from a string or a list, highest first", () => {
    expect(roleFromClaims({ roles: "operator" }, "roles")).toBe("operator");
    expect(roleFromClaims({ roles: ["responder", "admin", "viewer"] }, "roles")).toBe("admin");
  });

  it("maps identity-provider groups and reads nested claims", () => {
    const map = parseRoleMap("deployers=operator,oncall=responder");
    expect(roleFromClaims({ groups: ["staff", "oncall"] }, "groups", map)).toBe("responder");
    expect(roleFromClaims({ groups: ["oncall", "deployers"] }, "groups", map)).toBe("operator");
    expect(roleFromClaims({ realm_access: { roles: ["deployers"] } }, "realm_access.roles", map)).toBe("operator");
    expect(roleFromClaims({ "https://teal/role": "admin" }, "https://teal/role")).toBe("admin");
  });

  it("is not fooled by inherited property names", () => {
    expect(roleFromClaims({ roles: ["constructor", "toString"] }, "roles", {})).toBeNull();
  });
});
