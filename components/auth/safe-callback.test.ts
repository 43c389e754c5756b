import { describe, expect, it } from "vitest";
import { safeCallbackUrl } from "./safe-callback";

describe("safeCallbackUrl", () => {
  it("keeps same-origin paths", () => {
    expect(safeCallbackUrl("/apps/shop")).toBe("/apps/shop");
    expect(safeCallbackUrl(["/overview", "/x"])).toBe("/overview");
  });
  it("refuses other origins and protocol-relative URLs", () => {
    expect(safeCallbackUrl("https://evil.example")).toBe("/");
    expect(safeCallbackUrl("//evil.example")).toBe("/");
    expect(safeCallbackUrl("/\\evil.example")).toBe("/");
  });
  it("does not loop back to the sign-in page", () => {
    expect(safeCallbackUrl("/signin?x=1")).toBe("/");
  });
  it("defaults to the root", () => {
    expect(safeCallbackUrl(undefined)).toBe("/");
    expect(safeCallbackUrl("")).toBe("/");
  });
});
