import { describe, expect, it } from "vitest";
import type { AppSummary } from "@/lib/domain/snapshot";
import { thresholdJudge } from "@/lib/domain/green-verdict";
import {
  DEFAULT_PER_PAGE,
  DEFAULT_QUERY,
  groupApps,
  matchesSearch,
  overviewGroup,
  overviewQueryString,
  pageSlice,
  readOverviewQuery,
} from "./overview-groups";

const POLL = 5000;

function app(id: string, over: Partial<AppSummary> = {}): AppSummary {
  return {
    id,
    name: `App ${id}`,
    pattern: "dns-weighted",
    region: "us-east-1",
    configuredGreenPercent: 0,
    observedGreenPercent: 0,
    health: { blue: { healthy: 2, unhealthy: 0 }, green: { healthy: 2, unhealthy: 0 } },
    operation: null,
    dataAgeMs: 0,
    error: null,
    ...over,
  };
}

function op(status: NonNullable<AppSummary["operation"]>["status"]): AppSummary["operation"] {
  return {
    id: "op1",
    status,
    summary: "Shift",
    intent: { kind: "shift", greenPercent: 25 },
    actor: { id: "u", email: "o@example.com", role: "operator" },
    createdAt: "2024-01-01T00:00:00Z",
  };
}

const slowerGreen = thresholdJudge().judge({
  kind: "per-color",
  windowMinutes: 5,
  green: { requests: 600, errors: 1, p99Ms: 420, meanMs: 60 },
  blue: { requests: 1800, errors: 2, p99Ms: 120, meanMs: 45 },
});

describe("overviewGroup", () => {
  it("puts every kind of problem the cards know into 'Needs attention'", () => {
    const problems: AppSummary[] = [
      app("unhealthy", { health: { blue: { healthy: 1, unhealthy: 1 }, green: { healthy: 2, unhealthy: 0 } } }),
      app("unreadable", { error: "AWS did not answer", health: null, configuredGreenPercent: null }),
      app("failed", { operation: op("failed") }),
      app("interrupted", { operation: op("interrupted") }),
      app("left-split", { configuredGreenPercent: 50, observedGreenPercent: 50, operation: op("succeeded") }),
      app("slower", { greenVerdict: slowerGreen }),
      app("stale", { dataAgeMs: 60_000 }),
      app("never-read", { dataAgeMs: null }),
    ];
    for (const p of problems) expect(overviewGroup(p, POLL), p.id).toBe("attention");
  });
  it("keeps a problem in 'Needs attention' while an operation runs; running alone is 'Running'", () => {
    expect(overviewGroup(app("a", { operation: op("running") }), POLL)).toBe("running");
    expect(overviewGroup(app("b", { operation: op("pending") }), POLL)).toBe("running");
    const sickAndRunning = app("c", {
      operation: op("running"),
      health: { blue: { healthy: 0, unhealthy: 2 }, green: { healthy: 2, unhealthy: 0 } },
    });
    expect(overviewGroup(sickAndRunning, POLL)).toBe("attention");
  });
  it("calls the rest healthy, a succeeded operation included", () => {
    expect(overviewGroup(app("a"), POLL)).toBe("healthy");
    expect(overviewGroup(app("b", { operation: op("succeeded"), configuredGreenPercent: 100, observedGreenPercent: 100 }), POLL)).toBe("healthy");
  });
});

describe("groupApps", () => {
  it("orders needs attention, running, healthy, each in configuration order, empty groups kept", () => {
    const apps = [
      app("h1"),
      app("r1", { operation: op("running") }),
      app("p1", { operation: op("failed") }),
      app("h2"),
      app("p2", { dataAgeMs: null }),
      app("h3"),
    ];
    const groups = groupApps(apps, POLL);
    expect(groups.map((g) => [g.heading, g.apps.map((a) => a.id)])).toEqual([
      ["Needs attention", ["p1", "p2"]],
      ["Running", ["r1"]],
      ["Healthy", ["h1", "h2", "h3"]],
    ]);
    expect(groupApps([app("h1")], POLL).map((g) => g.apps.length)).toEqual([0, 0, 1]);
  });
});

describe("matchesSearch", () => {
  const shop = { id: "shop-web", name: "Shop Web", pattern: "alb-weighted" as const };
  it("matches the name, the id and the pattern, ignoring case", () => {
    expect(matchesSearch(shop, "SHOP")).toBe(true);
    expect(matchesSearch(shop, "shop-web")).toBe(true);
    expect(matchesSearch(shop, "alb-weighted")).toBe(true);
    expect(matchesSearch(shop, "ALB weighted")).toBe(true);
    expect(matchesSearch(shop, "catalog")).toBe(false);
  });
  it("needs every word to match somewhere; an empty or blank query matches all", () => {
    expect(matchesSearch(shop, "web alb")).toBe(true);
    expect(matchesSearch(shop, "web dns")).toBe(false);
    expect(matchesSearch(shop, "")).toBe(true);
    expect(matchesSearch(shop, "   ")).toBe(true);
  });
});

describe("pageSlice", () => {
  const items = Array.from({ length: 10 }, (_, i) => i + 1);
  it("cuts pages with their 1-based positions", () => {
    expect(pageSlice(items, 1, 4)).toEqual({ items: [1, 2, 3, 4], page: 1, pages: 3, first: 1, last: 4 });
    expect(pageSlice(items, 3, 4)).toEqual({ items: [9, 10], page: 3, pages: 3, first: 9, last: 10 });
  });
  it("clamps a page out of range, and an empty list is one empty page", () => {
    expect(pageSlice(items, 9, 4).page).toBe(3);
    expect(pageSlice(items, 0, 4).page).toBe(1);
    expect(pageSlice(items, Number.NaN, 4).page).toBe(1);
    expect(pageSlice([], 2, 4)).toEqual({ items: [], page: 1, pages: 1, first: 0, last: 0 });
  });
});

describe("the overview's URL", () => {
  it("reads what it wrote, and leaves defaults out", () => {
    const view = { q: "fleet 01", pattern: "asg-swap" as const, condition: "alarm" as const, page: 3, perPage: 12 };
    const s = overviewQueryString(view);
    expect(readOverviewQuery(new URLSearchParams(s))).toEqual(view);
    expect(overviewQueryString(DEFAULT_QUERY)).toBe("");
    expect(overviewQueryString({ ...DEFAULT_QUERY, q: "shop" })).toBe("?q=shop");
  });
  it("ignores what it does not know", () => {
    const read = readOverviewQuery(new URLSearchParams("pattern=nope&state=toString&page=-2&perPage=abc"));
    expect(read).toEqual({ ...DEFAULT_QUERY, perPage: DEFAULT_PER_PAGE });
    expect(readOverviewQuery(new URLSearchParams("perPage=100000")).perPage).toBe(500);
  });
});
