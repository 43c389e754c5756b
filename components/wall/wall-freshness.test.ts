import { describe, expect, it } from "vitest";
import { HttpError } from "@/components/api/http-error";
import { wallFreshness } from "./wall-freshness";

const base = { nowMs: 100_000, pollMs: 5_000 };

describe("wallFreshness", () => {
  it("is fresh within two refresh intervals, stale after", () => {
    expect(wallFreshness({ ...base, lastSuccessMs: 95_000, error: null })).toEqual({ kind: "fresh", ageMs: 5_000 });
    expect(wallFreshness({ ...base, lastSuccessMs: 90_000, error: null })).toEqual({ kind: "fresh", ageMs: 10_000 });
    expect(wallFreshness({ ...base, lastSuccessMs: 89_999, error: null })).toEqual({ kind: "stale", ageMs: 10_001, cause: null });
  });

  it("adds how old the server's AWS data was, and says why it could not be refreshed", () => {
    // Polls succeed, but the server has not read AWS for 20 s: stale, with the server's reason.
    expect(wallFreshness({ ...base, lastSuccessMs: 99_000, error: null, dataAgeMs: 20_000, awsError: "AWS could not be reached." })).toEqual({
      kind: "stale",
      ageMs: 21_000,
      cause: "AWS could not be reached.",
    });
    expect(wallFreshness({ ...base, lastSuccessMs: 99_000, error: null, dataAgeMs: 2_000 })).toEqual({ kind: "fresh", ageMs: 3_000 });
    // A poll just due on data the server had just refreshed: each age within its bound, so fresh.
    expect(wallFreshness({ ...base, lastSuccessMs: 91_000, error: null, dataAgeMs: 6_000 })).toEqual({ kind: "fresh", ageMs: 15_000 });
  });

  it("says the backend is unreachable when the last poll failed, with the age of what is shown", () => {
    expect(wallFreshness({ ...base, lastSuccessMs: 97_000, error: new TypeError("fetch failed") })).toEqual({ kind: "unreachable", ageMs: 3_000 });
    expect(wallFreshness({ ...base, lastSuccessMs: 0, error: new HttpError(502, "bad gateway") })).toEqual({ kind: "unreachable", ageMs: null });
  });

  it("says not authorized on 401 and 403, with the server's message", () => {
    expect(wallFreshness({ ...base, lastSuccessMs: 99_000, error: new HttpError(401, "This wall link is no longer authorized.") })).toEqual({
      kind: "unauthorized",
      message: "This wall link is no longer authorized.",
    });
    expect(wallFreshness({ ...base, lastSuccessMs: 99_000, error: new HttpError(403, "Permission denied") }).kind).toBe("unauthorized");
  });

  it("is loading before the first answer", () => {
    expect(wallFreshness({ ...base, lastSuccessMs: 0, error: null })).toEqual({ kind: "loading" });
  });
});
