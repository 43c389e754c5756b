import type { AppSummary } from "@/lib/domain/snapshot";
import type { PatternId } from "@/lib/domain/basics";
import { patternLabel } from "@/components/format/format";
import { isAppReadStale } from "@/components/freshness/freshness";
import { appConditions, CONDITION_LABEL, type AppCondition, type OverviewFilter } from "./app-conditions";

/**
 * The overview of a fleet: applications in three groups, problems first, each in configuration
 * order, and the healthy rest in pages. Pure, so the order and the paging are tested once here.
 */

export type OverviewGroupId = "attention" | "running" | "healthy";

export const GROUP_ORDER: readonly OverviewGroupId[] = ["attention", "running", "healthy"];

export const GROUP_HEADING: Record<OverviewGroupId, string> = {
  attention: "Needs attention",
  running: "Running",
  healthy: "Healthy",
};

/** Healthy cards per page when nothing else is asked for: a 4-column screen of 12 rows. */
export const DEFAULT_PER_PAGE = 48;
const MAX_PER_PAGE = 500;

/**
 * The group of one card, from the card's own conditions (`appConditions`) and its read's freshness
 * (`isAppReadStale`): an alarm, anything that needs attention or a stale read is a problem, even while an
 * operation runs; an operation in flight with nothing wrong is running; the rest is healthy.
 */
export function overviewGroup(app: AppSummary, pollMs: number): OverviewGroupId {
  const conditions = appConditions(app);
  if (conditions.has("alarm") || conditions.has("attention") || isAppReadStale(app, pollMs)) return "attention";
  if (conditions.has("running")) return "running";
  return "healthy";
}

export interface OverviewGroup {
  id: OverviewGroupId;
  heading: string;
  apps: AppSummary[];
}

/** The three groups in their order (empty ones included), each keeping the configuration's order. */
export function groupApps(apps: readonly AppSummary[], pollMs: number): OverviewGroup[] {
  const byGroup = new Map<OverviewGroupId, AppSummary[]>(GROUP_ORDER.map((g) => [g, []]));
  for (const app of apps) byGroup.get(overviewGroup(app, pollMs))?.push(app);
  return GROUP_ORDER.map((id) => ({ id, heading: GROUP_HEADING[id], apps: byGroup.get(id) ?? [] }));
}

/**
 * Whether a card matches what was typed: every word of the query (case-insensitive) must occur in the
 * name, the id, the pattern's id or its label. An empty query matches everything.
 */
export function matchesSearch(app: Pick<AppSummary, "id" | "name" | "pattern">, query: string): boolean {
  const words = query
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== "");
  if (words.length === 0) return true;
  const haystack = [app.name, app.id, app.pattern, patternLabel(app.pattern)].join("\n").toLowerCase();
  return words.every((w) => haystack.includes(w));
}

export interface PageSlice<T> {
  items: T[];
  /** 1-based, clamped to the pages there are. */
  page: number;
  pages: number;
  /** 1-based positions of the first and last item shown (0 and 0 when there is none). */
  first: number;
  last: number;
}

/** One page of `items` (1-based `page`, clamped: a page past the end shows the last one). */
export function pageSlice<T>(items: readonly T[], page: number, perPage: number): PageSlice<T> {
  const size = Math.max(1, Math.floor(perPage));
  const pages = Math.max(1, Math.ceil(items.length / size));
  const current = Math.min(pages, Math.max(1, Math.floor(Number.isFinite(page) ? page : 1)));
  const start = (current - 1) * size;
  const shown = items.slice(start, start + size);
  return { items: shown, page: current, pages, first: shown.length === 0 ? 0 : start + 1, last: start + shown.length };
}

/** What the overview's URL keeps, so a link opens the same view. */
export interface OverviewQuery extends OverviewFilter {
  q: string;
  /** The page of the healthy group, 1-based. */
  page: number;
  perPage: number;
}

export const DEFAULT_QUERY: OverviewQuery = { q: "", pattern: "all", condition: "all", page: 1, perPage: DEFAULT_PER_PAGE };

/** Every pattern id, checked against the type: a URL's pattern is one of these or ignored. */
const PATTERNS: Record<PatternId, true> = {
  "dns-weighted": true,
  "asg-swap": true,
  "launch-swap": true,
  "ecs-dns-swap": true,
  "ecs-elb-swap": true,
  "ecs-rolling": true,
  "alb-weighted": true,
};

function positiveInt(value: string | null, fallback: number, max: number): number {
  if (value === null || !/^\d{1,6}$/.test(value)) return fallback;
  const n = Number(value);
  return n >= 1 ? Math.min(n, max) : fallback;
}

/** Reads the view from the URL's search parameters; anything unknown falls back to the default. */
export function readOverviewQuery(params: { get(name: string): string | null }): OverviewQuery {
  const pattern = params.get("pattern");
  const condition = params.get("state");
  return {
    q: (params.get("q") ?? "").slice(0, 200),
    pattern: pattern !== null && Object.hasOwn(PATTERNS, pattern) ? (pattern as PatternId) : "all",
    condition: condition !== null && Object.hasOwn(CONDITION_LABEL, condition) ? (condition as AppCondition) : "all",
    page: positiveInt(params.get("page"), 1, 100_000),
    perPage: positiveInt(params.get("perPage"), DEFAULT_PER_PAGE, MAX_PER_PAGE),
  };
}

/** The search string for a view, defaults left out ("" when everything is the default). */
export function overviewQueryString(query: OverviewQuery): string {
  const params = new URLSearchParams();
  if (query.q.trim() !== "") params.set("q", query.q);
  if (query.pattern !== "all") params.set("pattern", query.pattern);
  if (query.condition !== "all") params.set("state", query.condition);
  if (query.page > 1) params.set("page", String(query.page));
  if (query.perPage !== DEFAULT_PER_PAGE) params.set("perPage", String(query.perPage));
  const s = params.toString();
  return s === "" ? "" : `?${s}`;
}
