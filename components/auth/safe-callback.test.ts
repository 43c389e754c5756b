import { describe, expect, it } from "vitest";
import { safeCallbackUrl, sameOriginRedirect } from "./safe-callback";

// Each of these reaches evil.example in a browser: tabs and line breaks are removed and "\" reads as "/".
const HOSTILE = [
  "https://evil.example",
  "//evil.example",
  "/\\evil.example",
  "/\t/evil.example/x",
  "/\n/evil.example/x",
  "/\r/evil.example/x",
  "\t//evil.example",
  "/\\/evil.example",
  "https:evil.example",
  "javascript:alert(1)",
  "http://teal.invalid@evil.example/",
];

describe("safeCallbackUrl", () => {
  it("keeps same-origin paths", () => {
    expect(safeCallbackUrl("/apps/shop")).toBe("/apps/shop");
    expect(safeCallbackUrl("/apps/catalog-api?range=60#x")).toBe("/apps/catalog-api?range=60#x");
    expect(safeCallbackUrl(["/overview", "/x"])).toBe("/overview");
  });
  it.each(HOSTILE)("refuses %j", (value) => {
    expect(safeCallbackUrl(value)).toBe("/");
    expect(safeCallbackUrl(value, "http://127.0.0.1:3000")).toBe("/");
  });
  it("accepts an absolute URL of the given origin only", () => {
    expect(safeCallbackUrl("http://teal.example:8080/history", "http://teal.example:8080")).toBe("/history");
    expect(safeCallbackUrl("https://teal.example:8080/history", "http://teal.example:8080")).toBe("/");
  });
  it("does not loop back to the sign-in page", () => {
    expect(safeCallbackUrl("/signin?x=1")).toBe("/");
    expect(safeCallbackUrl("/%09/signin")).toBe("/%09/signin");
  });
  it("defaults to the root", () => {
    expect(safeCallbackUrl(undefined)).toBe("/");
    expect(safeCallbackUrl("")).toBe("/");
  });
});

describe("sameOriginRedirect (next-auth's redirect callback)", () => {
  const baseUrl = "http://127.0.0.1:3000";
  it("follows paths and URLs of Teal's origin", () => {
    expect(sameOriginRedirect({ url: "/apps/shop", baseUrl })).toBe("http://127.0.0.1:3000/apps/shop");
    expect(sameOriginRedirect({ url: "http://127.0.0.1:3000/signin", baseUrl })).toBe("http://127.0.0.1:3000/signin");
  });
  it.each(HOSTILE)("sends %j to the base URL", (url) => {
    expect(sameOriginRedirect({ url, baseUrl })).toBe(baseUrl);
  });
});
