import { describe, expect, it } from "vitest";
import type { AppSummary } from "@/lib/domain/snapshot";
import type { WallAppDetail } from "@/lib/domain/wall";
import { COVER_MS, MAX_PAGES, dwellMs, pinRank, planWall, type TurnMemory, type WallPlan } from "./wall-fleet";
import type { WallStatusInput } from "./wall-status";

const HD = { width: 1920, height: 1080 };
const key = (s: string) => s;

function names(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
}

type Condensed = Extract<WallPlan<string>, { mode: "condensed" }>;

function condensed(plan: WallPlan<string>): Condensed {
  if (plan.mode !== "condensed") throw new Error("expected a condensed wall");
  return plan;
}

function onScreen(plan: WallPlan<string>, all: readonly string[]): string[] {
  return plan.mode === "tiles" ? [...all] : [...plan.tiles, ...plan.pinnedChips, ...plan.chips];
}

interface World {
  pinned: string[];
  rest: string[];
  urgent?: number;
}

interface Played {
  /** Per application, the longest time it was off screen (ms), counting from the start and up to the end. */
  longestAway: Map<string, number>;
  /** Every plan, with its time. */
  plans: { t: number; plan: WallPlan<string>; world: World }[];
}

/**
 * The wall as the browser runs it: a render every `stepMs` (its clock ticks once a second), each
 * handed the memory of the one before, while `worldAt` says what is pinned at that time.
 */
function play(
  worldAt: (t: number) => World,
  start: number,
  durationMs: number,
  opts: { size?: { width: number; height: number }; perPage?: number | null; stepMs?: number; chromeY?: number } = {},
): Played {
  const { size = HD, perPage = null, stepMs = 1_000, chromeY } = opts;
  let memory: TurnMemory | null = null;
  const lastSeen = new Map<string, number>();
  const longestAway = new Map<string, number>();
  const plans: Played["plans"] = [];
  const note = (name: string, t: number) => {
    const since = lastSeen.get(name) ?? start;
    longestAway.set(name, Math.max(longestAway.get(name) ?? 0, t - since));
  };
  for (let t = start; t <= start + durationMs; t += stepMs) {
    const world = worldAt(t);
    const out: { plan: WallPlan<string>; memory: TurnMemory | null } = planWall({ ...world, key, ...size, nowMs: t, memory, perPage, chromeY });
    memory = out.memory;
    plans.push({ t, plan: out.plan, world });
    for (const name of onScreen(out.plan, [...world.pinned, ...world.rest])) {
      note(name, t);
      lastSeen.set(name, t);
    }
  }
  const end = start + durationMs;
  for (const name of new Set([...worldAt(end).pinned, ...worldAt(end).rest])) note(name, end);
  return { longestAway, plans };
}

/** The applications some window of `COVER_MS` misses: those away from the screen for longer than it. */
function missedInSomeMinute(played: Played): string[] {
  return [...played.longestAway].filter(([, away]) => away > COVER_MS).map(([name]) => name);
}

/** A small deterministic generator, so a shuffled test is the same test every run. */
function random(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x * 1664525 + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

describe("dwellMs", () => {
  it("shares the minute between the pages, 15 s at most and 5 s at least", () => {
    expect(dwellMs(1)).toBe(15_000);
    expect(dwellMs(2)).toBe(15_000);
    expect(dwellMs(6)).toBe(10_000);
    expect(dwellMs(7)).toBe(8_000);
    expect(dwellMs(12)).toBe(5_000);
    expect(dwellMs(40)).toBe(5_000);
    for (let pages = 1; pages <= MAX_PAGES; pages += 1) expect(pages * dwellMs(pages)).toBeLessThanOrEqual(COVER_MS);
  });
});

describe("planWall", () => {
  it("keeps the demo world's eight tiles, every detail, no chips and no turning", () => {
    const out = planWall({ pinned: ["shop"], rest: names("app", 7), key, ...HD, nowMs: 123_456, memory: null });
    expect(out).toEqual({ plan: { mode: "tiles" }, memory: null });
    // Twelve still fit as tiles on a 1080p screen.
    expect(planWall({ pinned: [], rest: names("app", 12), key, ...HD, nowMs: 0, memory: null }).plan.mode).toBe("tiles");
  });

  it("a fleet of 200 with 10 in trouble: those pinned on every page, the rest turning, none off screen for a minute", () => {
    const world = { pinned: names("bad", 10), rest: names("ok", 190) };
    for (const start of [0, 1_234, 59_999, 1_765_000_000_000]) {
      const played = play(() => world, start, 5 * COVER_MS);
      for (const { plan } of played.plans) {
        const c = condensed(plan);
        expect(c.tiles.length).toBeGreaterThan(0);
        expect(new Set([...c.tiles, ...c.pinnedChips])).toEqual(new Set(world.pinned));
        expect(c.rotation.pages).toBeLessThanOrEqual(MAX_PAGES);
      }
      expect(played.longestAway.size).toBe(200);
      expect(missedInSomeMinute(played)).toEqual([]);
    }
  });

  it("pages through the fleet in configuration order, says which page of how many, and counts down to the next", () => {
    const rest = names("ok", 200);
    const first = planWall({ pinned: [], rest, key, ...HD, nowMs: 0, memory: null });
    const c1 = condensed(first.plan);
    expect(c1.tiles).toEqual([]);
    expect(c1.turning).toBe(200);
    expect(c1.chips).toEqual(rest.slice(0, c1.chips.length));
    expect(c1.rotation).toMatchObject({ page: 1, pages: Math.ceil(200 / c1.chips.length), nextInMs: c1.rotation.dwellMs });
    const later = condensed(planWall({ pinned: [], rest, key, ...HD, nowMs: 2_000, memory: first.memory }).plan);
    expect(later.chips).toEqual(c1.chips);
    expect(later.rotation.nextInMs).toBe(c1.rotation.dwellMs - 2_000);
    const second = condensed(planWall({ pinned: [], rest, key, ...HD, nowMs: c1.rotation.dwellMs, memory: first.memory }).plan);
    expect(second.chips).toEqual(rest.slice(c1.chips.length, 2 * c1.chips.length));
    expect(second.rotation.page).toBe(2);
  });

  it("keeps the minute while applications are pinned and unpinned all the time", () => {
    // Every few seconds, up to 5 applications start or end an operation, or fail or recover, while
    // 25 stay unreadable: clock-sliced pages shifted under such changes and skipped applications.
    const all = names("app", 200);
    const unreadable = all.filter((_, i) => i % 8 === 0);
    const worldAt = (t: number): World => {
      const next = random(Math.floor(t / 3_000));
      const moving = new Set(all.filter((n) => !unreadable.includes(n) && next() < 0.025));
      const pinned = [...unreadable, ...all.filter((n) => moving.has(n))];
      return { pinned, rest: all.filter((n) => !pinned.includes(n)) };
    };
    const played = play(worldAt, 17_000, 10 * COVER_MS);
    expect(played.longestAway.size).toBe(200);
    expect(missedInSomeMinute(played)).toEqual([]);
    // The unreadable ones, pinned first, never leave the screen.
    for (const { plan } of played.plans) {
      const shown = new Set(onScreen(plan, all));
      expect(unreadable.filter((n) => !shown.has(n))).toEqual([]);
    }
  });

  it("shows an application added to the configuration within the minute, and forgets one removed", () => {
    const rest = names("ok", 200);
    const worldAt = (t: number): World => (t < 30_000 ? { pinned: [], rest } : { pinned: [], rest: [...rest.slice(1), "new"] });
    const played = play(worldAt, 0, 3 * COVER_MS);
    const firstSeen = played.plans.find(({ plan }) => onScreen(plan, []).includes("new"))?.t ?? Infinity;
    expect(firstSeen - 30_000).toBeLessThanOrEqual(COVER_MS);
    const last = planWall({ pinned: [], rest: worldAt(200_000).rest, key, ...HD, nowMs: 200_000, memory: null });
    expect(last.memory?.lastShownMs.has("ok1")).toBe(false);
  });

  it("keeps each page to its time when the renders do not fall on the turn (the wall's clock ticks once a second)", () => {
    const rest = names("ok", 200);
    const played = play(() => ({ pinned: [], rest }), 0, 10 * COVER_MS, { stepMs: 700 });
    const pageTime = condensed(played.plans[0]?.plan ?? { mode: "tiles" }).rotation.dwellMs;
    let turns = 0;
    let last = -1;
    for (const { plan } of played.plans) {
      const page = condensed(plan).rotation.page;
      if (page !== last) turns += 1;
      last = page;
    }
    // A page that stayed until the render after its time would make 600 s hold fewer pages.
    expect(turns).toBeGreaterThanOrEqual(Math.floor((10 * COVER_MS) / pageTime));
  });

  it("starts a new page at once when the clock jumps back or far ahead", () => {
    const rest = names("ok", 200);
    const first = planWall({ pinned: [], rest, key, ...HD, nowMs: 1_000_000, memory: null });
    const back = planWall({ pinned: [], rest, key, ...HD, nowMs: 10_000, memory: first.memory });
    expect(condensed(back.plan).rotation).toMatchObject({ page: 2, nextInMs: condensed(first.plan).rotation.dwellMs });
    const ahead = condensed(planWall({ pinned: [], rest, key, ...HD, nowMs: 1_000_000 + 3_600_000, memory: first.memory }).plan);
    expect(ahead.rotation.page).toBe(2);
  });

  it("gives up tile rows rather than the minute when many are in trouble", () => {
    const world = { pinned: names("bad", 30), rest: names("ok", 170) };
    const played = play(() => world, 4_321, 3 * COVER_MS);
    for (const { plan } of played.plans) {
      const c = condensed(plan);
      // Every problem on screen at all times, as a tile or a chip that stays.
      expect(c.tiles.length + c.pinnedChips.length).toBe(30);
      expect(c.rotation.pages).toBeLessThanOrEqual(MAX_PAGES);
    }
    expect(missedInSomeMinute(played)).toEqual([]);
  });

  it("keeps the problems on screen before the minute when both cannot hold: the turn then takes longer", () => {
    const c = condensed(planWall({ pinned: names("bad", 40), rest: names("ok", 300), key, ...HD, nowMs: 0, memory: null }).plan);
    expect(c.tiles.length + c.pinnedChips.length).toBe(40);
    expect(c.rotation.pages).toBeGreaterThan(MAX_PAGES);
  });

  it("when more are pinned than the screen holds, keeps the first (the most urgent) and turns the others first", () => {
    const pinned = names("bad", 150);
    const rest = names("ok", 50);
    const played = play(() => ({ pinned, rest }), 0, 3 * COVER_MS);
    const c = condensed(played.plans[0]?.plan ?? { mode: "tiles" });
    expect(c.tiles).toEqual([]);
    expect(c.rotation.pages).toBeGreaterThan(MAX_PAGES);
    expect(c.pinnedChips).toEqual(pinned.slice(0, c.pinnedChips.length));
    // All the chips but one row's.
    expect(c.pinnedChips.length).toBe(c.chipGrid.columns * (c.chipGrid.rows - 1));
    expect(c.chips.length).toBeGreaterThan(0);
    // The pinned that overflow are shown before the healthy ones.
    expect(c.chips.every((n) => n.startsWith("bad"))).toBe(true);
    for (const { plan } of played.plans) expect(condensed(plan).pinnedChips).toEqual(c.pinnedChips);
    expect(played.longestAway.size).toBe(200);
  });

  it("when many are unreadable, keeps the urgent ones and as many of the others as the minute allows; the rest turn", () => {
    const failing = names("bad", 4);
    const unreadable = names("unread", 44);
    const rest = names("ok", 152);
    const pinned = [...failing, ...unreadable];
    const played = play(() => ({ pinned, rest, urgent: failing.length }), 0, 5 * COVER_MS);
    for (const { plan } of played.plans) {
      const c = condensed(plan);
      const shown = new Set(onScreen(plan, []));
      expect(failing.filter((n) => !shown.has(n))).toEqual([]);
      // The first of the unreadable (the wall orders them unread longest first) stay.
      expect(c.pinnedChips).toEqual(pinned.slice(0, c.pinnedChips.length));
      expect(c.pinnedChips.length).toBeGreaterThan(failing.length + 25);
      expect(c.rotation.pages).toBeLessThanOrEqual(MAX_PAGES);
    }
    expect(played.longestAway.size).toBe(200);
    expect(missedInSomeMinute(played)).toEqual([]);
    // Without telling which are urgent, all the problems stay and the minute is lost.
    const all = condensed(planWall({ pinned, rest, key, ...HD, nowMs: 0, memory: null }).plan);
    expect(all.rotation.pages).toBeGreaterThan(MAX_PAGES);
  });

  it("on a small screen too, and with a forced page size (the wall's ?perPage=)", () => {
    const forced = condensed(planWall({ pinned: ["bad"], rest: names("ok", 7), key, ...HD, nowMs: 0, memory: null, perPage: 3 }).plan);
    expect(forced.tiles).toEqual(["bad"]);
    expect(forced.chips).toEqual(["ok1", "ok2", "ok3"]);
    expect(forced.rotation.pages).toBe(3);
    expect(missedInSomeMinute(play(() => ({ pinned: ["bad"], rest: names("ok", 7) }), 10_000, 3 * COVER_MS, { perPage: 3 }))).toEqual([]);
    const small = play(() => ({ pinned: names("bad", 2), rest: names("ok", 60) }), 0, 3 * COVER_MS, { size: { width: 1280, height: 720 } });
    expect(small.longestAway.size).toBe(62);
    expect(missedInSomeMinute(small)).toEqual([]);
  });

  it("gives the chips less room while the status bar takes several lines", () => {
    const rest = names("ok", 200);
    const oneLine = condensed(planWall({ pinned: [], rest, key, ...HD, nowMs: 0, memory: null }).plan);
    const banner = condensed(planWall({ pinned: [], rest, key, ...HD, nowMs: 0, memory: null, chromeY: 230 }).plan);
    expect(banner.chipGrid.rows).toBe(oneLine.chipGrid.rows - 2);
    expect(missedInSomeMinute(play(() => ({ pinned: [], rest }), 0, 3 * COVER_MS, { chromeY: 230 }))).toEqual([]);
  });

  it("cannot show 1,000 applications within a minute on one 1080p screen: it says how many pages turn", () => {
    const rest = names("ok", 1000);
    const c = condensed(planWall({ pinned: [], rest, key, ...HD, nowMs: 0, memory: null }).plan);
    expect(c.rotation.pages).toBeGreaterThan(MAX_PAGES);
    expect(missedInSomeMinute(play(() => ({ pinned: [], rest }), 0, 3 * COVER_MS)).length).toBeGreaterThan(0);
  });
});

describe("pinRank", () => {
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
    expect(pinRank(input())).toBeNull();
    expect(pinRank(input({ detail: { ...quiet, alarms: [{ id: "x", severity: "critical", text: "Blue down" }] } }))).not.toBeNull();
    const op = { id: "op", status: "running" as const, summary: "Shift", actorEmail: "o@example.com", step: 1, steps: 3, stepTitle: "Call" };
    expect(pinRank(input({ detail: { ...quiet, operation: op } }))).not.toBeNull();
    expect(pinRank(input({ app: { ...app, dataAgeMs: null, error: "AWS did not answer" } }))).not.toBeNull();
  });

  it("ranks failing before shifting before unreadable, and leaves an application whose reads are only late in its turn", () => {
    const op = { id: "op", status: "running" as const, summary: "Shift", actorEmail: "o@example.com", step: 1, steps: 3, stepTitle: "Call" };
    expect(pinRank(input({ detail: { ...quiet, alarms: [{ id: "x", severity: "critical", text: "Blue down" }] } }))).toBe(0);
    expect(pinRank(input({ detail: { ...quiet, operation: op } }))).toBe(1);
    // Late during an operation: still pinned as an operation.
    expect(pinRank(input({ app: { ...app, dataAgeMs: 60_000 }, detail: { ...quiet, operation: op } }))).toBe(1);
    expect(pinRank(input({ app: { ...app, dataAgeMs: 60_000, error: "Rate exceeded" } }))).toBe(2);
    expect(pinRank(input({ app: { ...app, dataAgeMs: 60_000 } }))).toBeNull();
    // Held back by Teal's read budget, throttled by AWS or not answered in time: late, not unreadable.
    expect(pinRank(input({ app: { ...app, dataAgeMs: 60_000, error: "Held back", errorKind: "late" } }))).toBeNull();
    expect(pinRank(input({ app: { ...app, dataAgeMs: 60_000, error: "AWS failed", errorKind: "failed" } }))).toBe(2);
    expect(pinRank(input())).toBeNull();
  });

  it("pins nothing for the wall's own staleness, which the banner says", () => {
    expect(pinRank(input({ wall: { kind: "stale", ageMs: 40_000, cause: null }, lastSuccessMs: NOW - 40_000 }))).toBeNull();
    expect(pinRank(input({ wall: { kind: "unreachable", ageMs: 20_000 }, lastSuccessMs: NOW - 20_000 }))).toBeNull();
  });
});
