import { describe, expect, it } from "vitest";
import { signInUrlFor } from "./requested-path";

describe("signInUrlFor", () => {
  it("brings a deep link back after sign-in, query included", () => {
    expect(signInUrlFor("/apps/catalog-api")).toBe("/signin?callbackUrl=%2Fapps%2Fcatalog-api");
    expect(signInUrlFor("/history?app=shop")).toBe("/signin?callbackUrl=%2Fhistory%3Fapp%3Dshop");
  });

  it("signs in to the overview without a path, or with one that leaves the origin", () => {
    expect(signInUrlFor(null)).toBe("/signin");
    expect(signInUrlFor("/")).toBe("/signin");
    expect(signInUrlFor("//evil.example/x")).toBe("/signin");
    expect(signInUrlFor("https://evil.example/x")).toBe("/signin");
    expect(signInUrlFor("/signin?callbackUrl=/x")).toBe("/signin");
  });
});
