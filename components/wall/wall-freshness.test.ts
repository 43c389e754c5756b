import { describe, expect, it } from "vitest";
import { HttpError } from "@/components/api/http-error";
import { pageLateByMs, wallFreshness } from "./wall-freshness";

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

describe("pageLateByMs", () => {
  const read = (dataAgeMs: number | null, error: string | null = null, refreshMs = 5_000) => ({ dataAgeMs, error, refreshMs });

  it("is the lateness of the freshest read: one late or failing application does not make the page late", () => {
    expect(pageLateByMs([read(1_000), read(60_000), read(2_000, "AWS could not be reached.")], 5_000)).toBe(1_000);
    // Read every 30 s while nobody has it open: 25 s old is 0 late at a 5 s poll.
    expect(pageLateByMs([read(25_000, null, 30_000), read(90_000)], 5_000)).toBe(0);
  });

  it("is late when no application has a good read on time, as when AWS stops answering", () => {
    expect(pageLateByMs([read(40_000, "AWS did not answer."), read(45_000, "AWS did not answer.")], 5_000)).toBe(40_000);
    expect(pageLateByMs([read(40_000), read(45_000)], 5_000)).toBe(40_000);
    // Never read yet and failing: the least late of what is there.
    expect(pageLateByMs([read(null, "not read yet"), read(30_000, "AWS did not answer.")], 5_000)).toBe(30_000);
  });

  it("is 0 for a page with nothing on it", () => {
    expect(pageLateByMs([], 5_000)).toBe(0);
  });
});
