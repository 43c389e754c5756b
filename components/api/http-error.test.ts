import { describe, expect, it } from "vitest";
import { HttpError, isAuthError, messageForStatus, shouldRetry } from "./http-error";

describe("shouldRetry", () => {
  it("never retries 401 and 403", () => {
    expect(shouldRetry(0, new HttpError(401, "x"))).toBe(false);
    expect(shouldRetry(0, new HttpError(403, "x"))).toBe(false);
  });
  it("does not retry a missing application", () => {
    expect(shouldRetry(0, new HttpError(404, "x"))).toBe(false);
  });
  it("retries server and network errors twice", () => {
    expect(shouldRetry(0, new HttpError(503, "x"))).toBe(true);
    expect(shouldRetry(1, new TypeError("fetch failed"))).toBe(true);
    expect(shouldRetry(2, new HttpError(500, "x"))).toBe(false);
  });
});

describe("isAuthError", () => {
  it("recognises only HTTP auth failures", () => {
    expect(isAuthError(new HttpError(401, "x"))).toBe(true);
    expect(isAuthError(new HttpError(500, "x"))).toBe(false);
    expect(isAuthError(new Error("401"))).toBe(false);
  });
});

describe("messageForStatus", () => {
  it("says Permission denied for 403", () => {
    expect(messageForStatus(403)).toBe("Permission denied");
  });
  it("names the status it does not know", () => {
    expect(messageForStatus(418)).toBe("Request failed (418)");
  });
});
