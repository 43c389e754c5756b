import { describe, expect, it } from "vitest";
import { HttpError } from "@/components/api/http-error";
import { formatClock } from "@/components/format/format";
import { lateByMs } from "@/components/wall/wall-freshness";
import { freshnessBanner, isAppReadStale, isDegraded, pageFreshness } from "./freshness";

const POLL = 5_000;
const NOW = Date.UTC(2026, 11, 6, 0, 41, 57);

describe("pageFreshness", () => {
  it("is fresh when the last poll is recent and the server's read is young", () => {
    const f = pageFreshness({ lastSuccessMs: NOW - 2_000, nowMs: NOW, error: null, pollMs: POLL, dataAgeMs: 1_000 });
    expect(f).toEqual({ kind: "fresh", ageMs: 3_000 });
    expect(isDegraded(f)).toBe(false);
  });

  it("is stale when the server keeps answering with an old AWS read (AWS frozen)", () => {
    const f = pageFreshness({ lastSuccessMs: NOW - 1_000, nowMs: NOW, error: null, pollMs: POLL, dataAgeMs: 44_000, awsError: null });
    expect(f).toEqual({ kind: "stale", ageMs: 45_000, cause: null });
    expect(isDegraded(f)).toBe(true);
  });

  it("is stale when no poll has succeeded for more than two intervals", () => {
    expect(pageFreshness({ lastSuccessMs: NOW - 11_000, nowMs: NOW, error: null, pollMs: POLL }).kind).toBe("stale");
    expect(pageFreshness({ lastSuccessMs: NOW - 9_000, nowMs: NOW, error: null, pollMs: POLL }).kind).toBe("fresh");
  });

  it("is unreachable when the latest poll failed, keeping the age of what is on screen", () => {
    const f = pageFreshness({ lastSuccessMs: NOW - 20_000, nowMs: NOW, error: new TypeError("Failed to fetch"), pollMs: POLL });
    expect(f).toEqual({ kind: "unreachable", ageMs: 20_000 });
  });

  it("blames AWS, not Teal's server, when the server answers that AWS did not (502/503)", () => {
    const silent = new HttpError(502, "AWS did not answer.");
    expect(pageFreshness({ lastSuccessMs: NOW - 20_000, nowMs: NOW, error: silent, pollMs: POLL })).toEqual({
      kind: "stale",
      ageMs: 20_000,
      cause: "AWS did not answer.",
    });
    expect(pageFreshness({ lastSuccessMs: 0, nowMs: NOW, error: silent, pollMs: POLL, sinceMs: NOW - 70_000 })).toEqual({
      kind: "waiting",
      waitedMs: 70_000,
    });
  });

  it("waits quietly for a first answer, then says AWS is late after two intervals", () => {
    expect(pageFreshness({ lastSuccessMs: 0, nowMs: NOW, error: null, pollMs: POLL, sinceMs: NOW - 4_000 }).kind).toBe("loading");
    const late = pageFreshness({ lastSuccessMs: 0, nowMs: NOW, error: null, pollMs: POLL, sinceMs: NOW - 12_000 });
    expect(late).toEqual({ kind: "waiting", waitedMs: 12_000 });
    expect(isDegraded(late)).toBe(true);
  });

  it("says unauthorized on 401/403 rather than stale", () => {
    expect(pageFreshness({ lastSuccessMs: NOW - 60_000, nowMs: NOW, error: new HttpError(401, "Sign in again"), pollMs: POLL }).kind).toBe(
      "unauthorized",
    );
  });
});

describe("freshnessBanner", () => {
  it("names how long AWS has been silent and the time of the data shown, by the page's clock rule", () => {
    const words = freshnessBanner({ kind: "stale", ageMs: 45_000, cause: "Could not read this application's state." }, NOW);
    expect(words?.title).toBe(`AWS has not answered for 45 s — showing data from ${formatClock(NOW - 45_000)}`);
    expect(words?.detail).toBe("Could not read this application's state.");
  });

  it("has nothing to say while fresh or loading", () => {
    expect(freshnessBanner({ kind: "fresh", ageMs: 1_000 }, NOW)).toBeNull();
    expect(freshnessBanner({ kind: "loading" }, NOW)).toBeNull();
  });

  it("says when nothing has been shown yet", () => {
    expect(freshnessBanner({ kind: "waiting", waitedMs: 75_000 }, NOW)?.title).toBe("AWS has not answered for 1 min 15 s — nothing to show yet");
    expect(freshnessBanner({ kind: "unreachable", ageMs: null }, NOW)?.title).toMatch(/not answering — nothing to show yet/);
  });
});

describe("isAppReadStale", () => {
  it("marks one application's card stale when its read is old or failed", () => {
    expect(isAppReadStale({ dataAgeMs: 3_000, error: null }, POLL)).toBe(false);
    expect(isAppReadStale({ dataAgeMs: 11_000, error: null }, POLL)).toBe(true);
    expect(isAppReadStale({ dataAgeMs: 3_000, error: "Could not read" }, POLL)).toBe(true);
    expect(isAppReadStale({ dataAgeMs: null, error: null }, POLL)).toBe(true);
  });

  it("judges an application read every 30 s against its own interval: 25 s old is on time, 41 s is late", () => {
    expect(isAppReadStale({ dataAgeMs: 25_000, refreshMs: 30_000, error: null }, POLL)).toBe(false);
    expect(isAppReadStale({ dataAgeMs: 35_000, refreshMs: 30_000, error: null }, POLL)).toBe(false);
    expect(isAppReadStale({ dataAgeMs: 41_000, refreshMs: 30_000, error: null }, POLL)).toBe(true);
    // Read every 5 s (its page open), the same 25 s is late.
    expect(isAppReadStale({ dataAgeMs: 25_000, refreshMs: 5_000, error: null }, POLL)).toBe(true);
    expect(lateByMs({ dataAgeMs: 41_000, refreshMs: 30_000 }, POLL)).toBe(16_000);
    expect(lateByMs({ dataAgeMs: 4_000, refreshMs: 30_000 }, POLL)).toBe(0);
  });
});
