import { describe, expect, it } from "vitest";
import { readSessionUser } from "./session-user";

describe("readSessionUser", () => {
  it("reads email and role", () => {
    expect(readSessionUser({ user: { email: "operator@example.com", role: "operator" } })).toEqual({
      email: "operator@example.com",
      role: "operator",
    });
  });
  it("treats a missing session or email as signed out", () => {
    expect(readSessionUser(null)).toBeNull();
    expect(readSessionUser({ user: null })).toBeNull();
    expect(readSessionUser({ user: { email: "", role: "viewer" } })).toBeNull();
  });
  it("never guesses an unknown role", () => {
    expect(readSessionUser({ user: { email: "a@example.com", role: "superuser" } })).toBeNull();
    expect(readSessionUser({ user: { email: "a@example.com" } })).toBeNull();
  });
});
