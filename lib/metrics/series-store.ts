/**
 * The CloudWatch series of one Region, held between refreshes and read incrementally
 * (docs/aws-behaviour.md §6.5):
 *
 * - each series is keyed by what it asks CloudWatch (namespace, metric, dimensions, statistic,
 *   period; a metric math expression by its text over its inputs' keys), whichever application or
 *   page asks for it, and holds the points read so far and the end of its last whole period;
 * - a refresh asks only for [end of the last read − `rereadPeriods`, the current whole period's
 *   start) and merges the answer in: the last periods are read again because CloudWatch may still
 *   add late datapoints to them; nothing is asked at all while no new whole period has ended;
 * - whoever finds a series due reads every series of the Region that is due and was asked for
 *   recently, all in one `GetMetricData` call per period (chunks of at most 500 queries, ids made
 *   unique across applications), so the applications of an overview cost one call per minute
 *   together, not one each per refresh.
 *
 * Expressions are assumed to work point by point (Teal's only one is `AVG([...])` of instances at
 * each minute), so an expression read over a shorter window gives the same points there.
 */
import type { MetricExpression, MetricQuery } from "@/lib/aws/cloudwatch";

export interface Point {
  t: number;
  v: number;
}

/** One GetMetricData call (the caller follows NextToken pages); answers the points of every returned id. */
export type MetricReader = (
  queries: readonly (MetricQuery | MetricExpression)[],
  start: Date,
  end: Date,
) => Promise<{ results: { id: string; points: Point[]; status?: string }[]; requests: number }>;

/** GetMetricData takes at most 500 queries per call (docs/aws-behaviour.md §6.1). */
export const MAX_QUERIES_PER_CALL = 500;

/** Whole periods read again at each refresh by default: CloudWatch may still revise the latest ones. */
export const DEFAULT_REREAD_PERIODS = 3;

/**
 * The points of `held` outside [fromMs, toMs), with those of `fresh` inside it: the fresh read
 * replaces what was held for its window (a revised point replaces the old one; a point gone from
 * the answer is gone). Pure; the answer is in time order whatever the order of either input, one
 * point per timestamp (of two fresh points at one time, the later in the answer wins).
 */
export function mergeSeries(held: readonly Point[], fresh: readonly Point[], fromMs: number, toMs: number): Point[] {
  const byT = new Map<number, Point>();
  for (const p of held) if (p.t < fromMs || p.t >= toMs) byT.set(p.t, p);
  for (const p of fresh) if (p.t >= fromMs && p.t < toMs) byT.set(p.t, { t: p.t, v: p.v });
  return [...byT.values()].sort((a, b) => a.t - b.t);
}

/**
 * The window a due series is read over: from `rereadPeriods` before the end of what is held, or
 * the whole wanted span when nothing usable is held (never read, or held from later than the span
 * now wanted starts). Null when nothing is due: no whole period has ended since the last read.
 */
export function windowToRead(
  held: { fromMs: number; toMs: number } | null,
  wanted: { startMs: number; endMs: number },
  periodMs: number,
  rereadPeriods: number,
): { fromMs: number; toMs: number } | null {
  const usable = held !== null && held.toMs > held.fromMs && held.fromMs <= wanted.startMs && held.toMs >= wanted.startMs;
  if (usable && held.toMs >= wanted.endMs) return null;
  const fromMs = usable ? Math.max(wanted.startMs, held.toMs - rereadPeriods * periodMs) : wanted.startMs;
  return { fromMs, toMs: wanted.endMs };
}

interface Entry {
  /** The query with a placeholder id (a metric) or the expression over `inputs` written with `$0`, `$1`… */
  metric: MetricQuery | null;
  expression: { template: string; inputs: MetricQuery[] } | null;
  periodMs: number;
  points: Point[];
  /** What is held: [fromMs, toMs), toMs the end of the last whole period read; 0/0 before the first read. */
  fromMs: number;
  toMs: number;
  /** The longest span asked for (ms): what is kept. */
  spanMs: number;
  /** When it was last asked for (store clock): series nobody asked for lately are dropped. */
  askedAt: number;
}

export interface SeriesStoreStats {
  /** GetMetricData requests (pages included). */
  calls: number;
  /** Queries sent (each a metric requested, as CloudWatch prices them), over all calls. */
  queries: number;
}

export interface SeriesRead {
  /** The points of each returned query id of the caller, in [startMs, endMs). */
  points: Map<string, Point[]>;
  startMs: number;
  endMs: number;
}

export interface SeriesStore {
  /**
   * The points of `queries` (ids local to the caller; all of period `periodS`) over the
   * `rangeMinutes` before the current whole period, from what is held, reading CloudWatch only for
   * what is due.
   */
  read(queries: readonly (MetricQuery | MetricExpression)[], rangeMinutes: number, periodS: number, owner?: string): Promise<SeriesRead>;
  /**
   * Drops the series `owner` asked for, so they are read whole next time: after an operation moved
   * traffic, minutes CloudWatch filled in late are not left out of what is held.
   */
  forget(owner: string): void;
  stats(): SeriesStoreStats;
  /** Series held now (tests). */
  size(): number;
}

const sortedDims = (d: Record<string, string>): [string, string][] => Object.entries(d).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** What identifies a metric's series whoever asks for it (the id is the caller's). */
export function metricKey(q: MetricQuery): string {
  return JSON.stringify(["m", q.namespace, q.metricName, sortedDims(q.dimensions), q.stat, q.periodS]);
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** An expression's inputs among `metrics` (the ids it names) and its text over them as `$0`, `$1`… */
function expressionOf(e: MetricExpression, metrics: Map<string, MetricQuery>): { template: string; inputs: MetricQuery[] } {
  const inputs: MetricQuery[] = [];
  let template = e.expression;
  // Longest ids first, so `blue_cpu_i1` is not taken for a part of `blue_cpu_i10`; ids are whole words.
  for (const id of [...metrics.keys()].sort((a, b) => b.length - a.length)) {
    const re = new RegExp(`\\b${escapeRe(id)}\\b`, "g");
    if (!re.test(template)) continue;
    const q = metrics.get(id);
    if (!q) continue;
    const placeholder = `$${inputs.length}`;
    template = template.replace(re, () => placeholder);
    inputs.push(q);
  }
  return { template, inputs };
}

export function createSeriesStore(opts: {
  read: MetricReader;
  now?: () => number;
  /** Whole periods read again at each refresh (default 2). */
  rereadPeriods?: number;
  /** A series nobody asked for in this long is dropped and no longer refreshed (ms). */
  keepMs: number;
}): SeriesStore {
  const now = opts.now ?? Date.now;
  const reread = opts.rereadPeriods ?? DEFAULT_REREAD_PERIODS;
  const entries = new Map<string, Entry>();
  const owners = new Map<string, Set<string>>();
  const stats: SeriesStoreStats = { calls: 0, queries: 0 };
  let inflight: { keys: Set<string>; done: Promise<void>; t: number } | null = null;

  const endOf = (periodMs: number, t: number): number => Math.floor(t / periodMs) * periodMs;
  const due = (e: Entry, t: number): { fromMs: number; toMs: number } | null => {
    const endMs = endOf(e.periodMs, t);
    return windowToRead(e.toMs > 0 ? e : null, { startMs: endMs - e.spanMs, endMs }, e.periodMs, reread);
  };

  /** Reads every series of the Region that is due and still asked for: one call per period (per 500 queries). */
  async function refresh(t: number, keys: Set<string>): Promise<void> {
    // One turn of the event loop first: the reads of the other applications refreshed at the same
    // moment register their series and go into this call too.
    await new Promise<void>((resolve) => setImmediate(resolve));
    for (const [key, e] of entries) if (t - e.askedAt > opts.keepMs) entries.delete(key);
    for (const held of owners.values()) for (const key of held) if (!entries.has(key)) held.delete(key);
    const byPeriod = new Map<number, { key: string; entry: Entry; window: { fromMs: number; toMs: number } }[]>();
    for (const [key, entry] of entries) {
      const window = due(entry, t);
      if (!window) continue;
      keys.add(key);
      const group = byPeriod.get(entry.periodMs) ?? [];
      group.push({ key, entry, window });
      byPeriod.set(entry.periodMs, group);
    }
    const calls: Promise<() => void>[] = [];
    for (const [periodMs, group] of byPeriod) {
      const endMs = endOf(periodMs, t);
      const startMs = Math.min(...group.map((g) => g.window.fromMs));
      // Each series a unit of queries that must share a call (an expression with its inputs), packed into chunks of ≤ 500.
      let chunk: { queries: (MetricQuery | MetricExpression)[]; ids: Map<string, (typeof group)[number]> } = { queries: [], ids: new Map() };
      const chunks = [chunk];
      let n = 0;
      for (const g of group) {
        const unit: (MetricQuery | MetricExpression)[] = [];
        const id = `q${n++}`;
        if (g.entry.metric) unit.push({ ...g.entry.metric, id, returnData: true });
        else if (g.entry.expression) {
          const inputIds = g.entry.expression.inputs.map((_, i) => `${id}_${i}`);
          unit.push(...g.entry.expression.inputs.map((q, i) => ({ ...q, id: `${id}_${i}`, returnData: false })));
          unit.push({ id, expression: g.entry.expression.template.replace(/\$(\d+)/g, (_, i: string) => inputIds[Number(i)] ?? "") });
        }
        if (chunk.queries.length + unit.length > MAX_QUERIES_PER_CALL && chunk.queries.length > 0) {
          chunk = { queries: [], ids: new Map() };
          chunks.push(chunk);
        }
        chunk.queries.push(...unit);
        chunk.ids.set(id, g);
      }
      for (const c of chunks) {
        if (c.queries.length === 0) continue;
        calls.push(
          opts.read(c.queries, new Date(startMs), new Date(endMs)).then(({ results, requests }) => {
            stats.calls += requests;
            stats.queries += requests * c.queries.length;
            // Merged only once every call answered: a failed refresh changes nothing held.
            return () => {
              const byId = new Map(results.map((r) => [r.id, r]));
              for (const [id, g] of c.ids) {
                const e = g.entry;
                const answer = byId.get(id);
                // A series CloudWatch could not answer (InternalError, Forbidden) keeps what is held and stays
                // due; PartialData only says more pages followed, and the reader has followed them.
                if (answer?.status === "InternalError" || answer?.status === "Forbidden") continue;
                const incremental = g.window.fromMs > endMs - e.spanMs;
                e.points = mergeSeries(incremental ? e.points : [], answer?.points ?? [], g.window.fromMs, endMs);
                e.fromMs = Math.max(incremental ? e.fromMs : g.window.fromMs, endMs - e.spanMs);
                e.toMs = endMs;
                e.points = e.points.filter((p) => p.t >= e.fromMs);
              }
            };
          }),
        );
      }
    }
    const merges = await Promise.all(calls);
    for (const merge of merges) merge();
  }

  return {
    async read(queries, rangeMinutes, periodS, owner) {
      const t = now();
      const spanMs = rangeMinutes * 60_000;
      const metrics = new Map<string, MetricQuery>();
      for (const q of queries) if (!("expression" in q)) metrics.set(q.id, q);
      // The caller's returned ids and the series they name; registered at once, so a read already
      // under way for others is followed by one that takes these in too.
      const mine = new Map<string, string>();
      const defs = new Map<string, Omit<Entry, "points" | "fromMs" | "toMs" | "spanMs" | "askedAt">>();
      /** Registers the caller's series not held (again, if a forget or a drop took one while waiting). */
      const register = (): void => {
        for (const [key, entry] of defs) {
          const known = entries.get(key);
          if (known) {
            known.askedAt = t;
            known.spanMs = Math.max(known.spanMs, spanMs);
          } else entries.set(key, { ...entry, points: [], fromMs: 0, toMs: 0, spanMs, askedAt: t });
        }
      };
      for (const q of queries) {
        let key: string;
        let entry: Omit<Entry, "points" | "fromMs" | "toMs" | "spanMs" | "askedAt">;
        if ("expression" in q) {
          const expression = expressionOf(q, metrics);
          const period = expression.inputs[0]?.periodS ?? 60;
          key = JSON.stringify(["e", expression.template, expression.inputs.map(metricKey)]);
          entry = { metric: null, expression, periodMs: period * 1000 };
        } else {
          if (q.returnData === false) continue;
          key = metricKey(q);
          entry = { metric: { ...q, id: "q" }, expression: null, periodMs: q.periodS * 1000 };
        }
        mine.set(q.id, key);
        if (owner !== undefined) owners.set(owner, (owners.get(owner) ?? new Set()).add(key));
        defs.set(key, entry);
      }
      for (;;) {
        register();
        const dueKeys = [...defs.keys()].filter((key) => {
          const e = entries.get(key);
          return e !== undefined && due(e, t) !== null;
        });
        if (dueKeys.length === 0) break;
        if (inflight) {
          const running = inflight;
          // A read under way that takes in all these series: its outcome is ours, failure included
          // (what CloudWatch did not answer is asked again on the next refresh, not in a loop now).
          if (dueKeys.every((k) => running.keys.has(k))) {
            await running.done;
            // Begun at our moment or later, it read all that was due for us; begun earlier (the
            // period ended since), the look again above may find the new one due.
            if (running.t >= t) break;
            continue;
          }
          await running.done.catch(() => undefined);
          continue;
        }
        const keys = new Set<string>(dueKeys);
        const done = refresh(t, keys).finally(() => {
          if (inflight?.done === done) inflight = null;
        });
        inflight = { keys, done, t };
        await done;
        break;
      }
      const endMs = endOf(periodS * 1000, t);
      const startMs = endMs - spanMs;
      const points = new Map<string, Point[]>();
      for (const [id, key] of mine)
        points.set(
          id,
          (entries.get(key)?.points ?? []).filter((p) => p.t >= startMs && p.t < endMs),
        );
      return { points, startMs, endMs };
    },
    forget(owner) {
      for (const key of owners.get(owner) ?? []) entries.delete(key);
      owners.delete(owner);
    },
    stats: () => ({ ...stats }),
    size: () => entries.size,
  };
}
