import { describe, expect, it } from "vitest";
import { parseRoleMap, roleFromClaims } from "./oidc";

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
  it("defaults to viewer", () => {
    expect(roleFromClaims({ sub: "1" }, "roles")).toBe("viewer");
    expect(roleFromClaims({ roles: "superuser" }, "roles")).toBe("viewer");
    expect(roleFromClaims({ roles: 42 }, "roles")).toBe("viewer");
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
    expect(roleFromClaims({ roles: ["constructor", "toString"] }, "roles", {})).toBe("viewer");
  });
});
