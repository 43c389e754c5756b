import { describe, expect, it } from "vitest";
import type { AppSummary } from "@/lib/domain/snapshot";
import type { WallAppDetail } from "@/lib/domain/wall";
import { COVER_MS, MAX_PAGES, dwellMs, pinnedOnWall, planWall, rotationAt, type WallPlan } from "./wall-fleet";
import type { WallStatusInput } from "./wall-status";

const HD = { width: 1920, height: 1080 };

function names(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
}

function onScreen(plan: WallPlan<string>, all: string[]): string[] {
  return plan.mode === "tiles" ? all : [...plan.tiles, ...plan.pinnedChips, ...plan.chips];
}

/** Everything the wall shows in the `COVER_MS` from `start`, looked at every half second. */
function seenWithinAMinute(pinned: string[], rest: string[], start: number, size = HD, perPage: number | null = null): Set<string> {
  const seen = new Set<string>();
  for (let t = start; t <= start + COVER_MS; t += 500) {
    for (const name of onScreen(planWall({ pinned, rest, ...size, nowMs: t, perPage }), [...pinned, ...rest])) seen.add(name);
  }
  return seen;
}

describe("dwellMs and rotationAt", () => {
  it("shares the minute between the pages, 15 s at most and 5 s at least", () => {
    expect(dwellMs(1)).toBe(15_000);
    expect(dwellMs(2)).toBe(15_000);
    expect(dwellMs(6)).toBe(10_000);
    expect(dwellMs(7)).toBe(8_000);
    expect(dwellMs(12)).toBe(5_000);
    expect(dwellMs(40)).toBe(5_000);
    for (let pages = 1; pages <= MAX_PAGES; pages += 1) expect(pages * dwellMs(pages)).toBeLessThanOrEqual(COVER_MS);
  });
  it("turns with the clock and counts down to the next page", () => {
    expect(rotationAt(0, 6)).toEqual({ page: 0, pages: 6, dwellMs: 10_000, nextInMs: 10_000 });
    expect(rotationAt(12_000, 6)).toEqual({ page: 1, pages: 6, dwellMs: 10_000, nextInMs: 8_000 });
    expect(rotationAt(60_000, 6).page).toBe(0);
    expect(rotationAt(5_000, 1)).toEqual({ page: 0, pages: 1, dwellMs: 15_000, nextInMs: 10_000 });
  });
});

describe("planWall", () => {
  it("keeps the demo world's eight tiles, every detail, no chips and no turning", () => {
    const plan = planWall({ pinned: ["shop"], rest: names("app", 7), ...HD, nowMs: 123_456 });
    expect(plan).toEqual({ mode: "tiles" });
    // Twelve still fit as tiles on a 1080p screen.
    expect(planWall({ pinned: [], rest: names("app", 12), ...HD, nowMs: 0 }).mode).toBe("tiles");
  });

  it("a fleet of 200 with 10 in trouble: those pinned on every page, the rest turning, everyone seen within a minute", () => {
    const pinned = names("bad", 10);
    const rest = names("ok", 190);
    for (const start of [0, 1_234, 7_777, 59_999, 1_765_000_000_000]) {
      const plan = planWall({ pinned, rest, ...HD, nowMs: start });
      if (plan.mode !== "condensed") throw new Error("expected a condensed wall");
      expect(plan.tiles.length).toBeGreaterThan(0);
      expect(new Set([...plan.tiles, ...plan.pinnedChips])).toEqual(new Set(pinned));
      expect(plan.rotation.pages).toBeLessThanOrEqual(MAX_PAGES);
      expect(seenWithinAMinute(pinned, rest, start).size).toBe(200);
    }
  });

  it("says which chips are on screen: positions, count and the time to the next page", () => {
    const rest = names("ok", 200);
    const plan = planWall({ pinned: [], rest, ...HD, nowMs: 0 });
    if (plan.mode !== "condensed") throw new Error("expected a condensed wall");
    expect(plan.tiles).toEqual([]);
    expect(plan.first).toBe(1);
    expect(plan.last).toBe(plan.chips.length);
    expect(plan.turning).toBe(200);
    expect(plan.chips).toEqual(rest.slice(0, plan.chips.length));
    const next = planWall({ pinned: [], rest, ...HD, nowMs: plan.rotation.dwellMs });
    if (next.mode !== "condensed") throw new Error("expected a condensed wall");
    expect(next.first).toBe(plan.last + 1);
  });

  it("gives up tile rows rather than the minute when many are in trouble", () => {
    const pinned = names("bad", 30);
    const rest = names("ok", 170);
    const plan = planWall({ pinned, rest, ...HD, nowMs: 0 });
    if (plan.mode !== "condensed") throw new Error("expected a condensed wall");
    // Every problem on screen at all times, as a tile or a chip that stays.
    expect(plan.tiles.length + plan.pinnedChips.length).toBe(30);
    expect(plan.rotation.pages).toBeLessThanOrEqual(MAX_PAGES);
    expect(seenWithinAMinute(pinned, rest, 4_321).size).toBe(200);
  });

  it("keeps every problem on screen before the minute when both cannot hold: the turn then takes longer", () => {
    const pinned = names("bad", 40);
    const rest = names("ok", 300);
    const plan = planWall({ pinned, rest, ...HD, nowMs: 0 });
    if (plan.mode !== "condensed") throw new Error("expected a condensed wall");
    expect(plan.tiles.length + plan.pinnedChips.length).toBe(40);
    expect(plan.rotation.pages).toBeGreaterThan(MAX_PAGES);
  });

  it("on a small screen too, and with a forced page size (the wall's ?perPage=)", () => {
    const pinned = ["bad"];
    const rest = names("ok", 7);
    const forced = planWall({ pinned, rest, ...HD, nowMs: 0, perPage: 3 });
    if (forced.mode !== "condensed") throw new Error("expected a condensed wall");
    expect(forced.tiles).toEqual(["bad"]);
    expect(forced.chips).toEqual(["ok1", "ok2", "ok3"]);
    expect(forced.rotation.pages).toBe(3);
    expect(seenWithinAMinute(pinned, rest, 10_000, HD, 3).size).toBe(8);
    expect(seenWithinAMinute(names("bad", 2), names("ok", 60), 0, { width: 1280, height: 720 }).size).toBe(62);
  });

  it("gives the chips less room while the status bar takes several lines", () => {
    const rest = names("ok", 200);
    const oneLine = planWall({ pinned: [], rest, ...HD, nowMs: 0 });
    const banner = planWall({ pinned: [], rest, ...HD, nowMs: 0, chromeY: 230 });
    if (oneLine.mode !== "condensed" || banner.mode !== "condensed") throw new Error("expected a condensed wall");
    expect(banner.chipGrid.rows).toBe(oneLine.chipGrid.rows - 2);
    expect(seenWithinAMinute([], rest, 0).size).toBe(200);
  });

  it("cannot show 1,000 applications within a minute on one 1080p screen: it says how many pages turn", () => {
    const plan = planWall({ pinned: [], rest: names("ok", 1000), ...HD, nowMs: 0 });
    if (plan.mode !== "condensed") throw new Error("expected a condensed wall");
    expect(plan.rotation.pages).toBeGreaterThan(MAX_PAGES);
    expect(seenWithinAMinute([], names("ok", 1000), 0).size).toBeLessThan(1000);
  });
});

describe("pinnedOnWall", () => {
  const NOW = 1_000_000;
  const app: AppSummary = {
    id: "shop",
    name: "Shop",
    pattern: "dns-weighted",
    region: "us-east-1",
    configuredGreenPercent: 0,
    observedGreenPercent: 0,
    health: { blue: { healthy: 2, unhealthy: 0 }, green: { healthy: 2, unhealthy: 0 } },
    operation: null,
    dataAgeMs: 1_000,
    error: null,
  };
  const quiet: WallAppDetail = { appId: "shop", operation: null, alarms: [] };
  const input = (over: Partial<WallStatusInput> = {}): WallStatusInput => ({
    app,
    detail: quiet,
    wall: { kind: "fresh", ageMs: 1_000 },
    lastSuccessMs: NOW - 1_000,
    nowMs: NOW,
    pollMs: 5_000,
    ...over,
  });

  it("pins what is failing, shifting or stale on its own data, not what is OK", () => {
    expect(pinnedOnWall(input())).toBe(false);
    expect(pinnedOnWall(input({ detail: { ...quiet, alarms: [{ id: "x", severity: "critical", text: "Blue down" }] } }))).toBe(true);
    const op = { id: "op", status: "running" as const, summary: "Shift", actorEmail: "o@example.com", step: 1, steps: 3, stepTitle: "Call" };
    expect(pinnedOnWall(input({ detail: { ...quiet, operation: op } }))).toBe(true);
    expect(pinnedOnWall(input({ app: { ...app, dataAgeMs: 60_000 } }))).toBe(true);
    expect(pinnedOnWall(input({ app: { ...app, dataAgeMs: null, error: "AWS did not answer" } }))).toBe(true);
  });

  it("pins nothing for the wall's own staleness, which the banner says", () => {
    expect(pinnedOnWall(input({ wall: { kind: "stale", ageMs: 40_000, cause: null }, lastSuccessMs: NOW - 40_000 }))).toBe(false);
    expect(pinnedOnWall(input({ wall: { kind: "unreachable", ageMs: 20_000 }, lastSuccessMs: NOW - 20_000 }))).toBe(false);
  });
});
