/**
 * Starting the practice range with the demo world and hours of history behind it.
 *
 * The range's clock is anchored in the past (now − history − warm-up) while the demo world is seeded
 * through the API, so the world is born back then; it is then advanced in steps to the real now, which
 * lets instances boot, health checks pass and the traffic model fill the metric store with the whole
 * history; finally the clock is switched to the wall clock. Nothing else sees the difference: the
 * metric timestamps are real, as if the range had been running for hours.
 *
 * With a fleet (`fleet: N`, RANGE_FLEET), the fleet's applications are seeded after the demo's, at
 * `fleetHistoryMs` (+ warm-up) before now when that is shorter than the demo's history: the backfill
 * runs to that point with the demo world alone, then on with both.
 *
 * `POST /_sim/reset` repeats exactly that on the running range: the world is emptied in place, the
 * clock goes back to the offset, the demo world is seeded through the API again and the history is
 * backfilled.
 */
import type { MetricStore } from "@/range/world/metrics";
import { seedDemoWorld, type DemoWorld } from "./seed";
import { checkFleetSize, seedFleet } from "./fleet";
import { startRange, type RunningRange } from "@/range/protocols/server";
import type { SimConfig } from "@/range/world/state";
import { resetStats } from "@/range/control/stats";
import { advance, type RangeWorld } from "@/range/world/world";

export const DEFAULT_HISTORY_MS = 3 * 3_600_000;
/** Time before the history starts for boot and health checks, so history opens on a healthy world. */
export const WARMUP_MS = 5 * 60_000;
/** Backfill chunk between yields to the event loop (the server stays responsive meanwhile). */
const BACKFILL_CHUNK_MS = 10 * 60_000;

export interface DemoRangeOptions {
  port?: number;
  host?: string;
  config?: Partial<SimConfig>;
  /** How much metric history to build before going live (default 3 h; 0 for none). */
  historyMs?: number;
  /** Wall clock (default Date.now). */
  wallClock?: () => number;
  seed?: number | string;
  /** Generated applications seeded beside the demo world (fleet.ts; default 0). */
  fleet?: number;
  /** How much history the fleet's applications have (default: as much as the demo's). */
  fleetHistoryMs?: number;
}

export interface DemoRange extends RunningRange {
  /** The seeded demo world (replaced by a reset). */
  demo: DemoWorld;
  /** CPU-bound time the backfill took, in ms (of the latest reset, after one). */
  backfillMs: number;
  /** Time the seeding through the API took, demo and fleet, in ms (of the latest reset, after one). */
  seedMs: number;
  /** How many fleet applications were seeded. */
  fleet: number;
}

/**
 * Advances `world` to `toMs` in chunks, yielding to the event loop between chunks. Returns the real
 * time it took in ms.
 */
export async function backfill(world: RangeWorld, metrics: MetricStore, toMs: number, chunkMs = BACKFILL_CHUNK_MS): Promise<number> {
  const started = performance.now();
  while (world.nowMs < toMs) {
    advance(world, metrics, Math.min(toMs, world.nowMs + chunkMs));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return performance.now() - started;
}

/** Starts the range, seeds the demo world in the past and backfills its history up to now. */
export async function startDemoRange(opts: DemoRangeOptions = {}): Promise<DemoRange> {
  const wall = opts.wallClock ?? Date.now;
  const historyMs = opts.historyMs ?? DEFAULT_HISTORY_MS;
  // The clock runs at real pace from an offset in the past until the backfill has caught up.
  const startOffsetMs = historyMs > 0 ? -(historyMs + WARMUP_MS) : 0;
  let offsetMs = startOffsetMs;
  // Held still while an application is seeded: the range brings the world to the clock before every
  // mutating request, a pass over the whole world, so with the clock running seeding N applications
  // cost N passes over a world of up to N applications (15 s for a fleet of 192). Held, the world
  // stands at the moment seeding began and the first advance after it covers the time seeding took.
  let heldAt: number | null = null;
  const now = (): number => heldAt ?? wall() + offsetMs;
  const held = async <T>(seed: () => Promise<T>): Promise<T> => {
    heldAt = now();
    try {
      return await seed();
    } finally {
      heldAt = null;
    }
  };
  let live: DemoRange | undefined;
  const fleet = checkFleetSize(opts.fleet ?? 0);
  const fleetHistoryMs = Math.min(historyMs, opts.fleetHistoryMs ?? historyMs);
  /** Seeds the (empty) world born at the offset and backfills to the wall clock; the fleet joins on the way. */
  const build = async (range: RunningRange): Promise<{ demo: DemoWorld; backfillMs: number; seedMs: number }> => {
    try {
      const region = range.world.config.region;
      let started = performance.now();
      const demo = await held(() => seedDemoWorld(range.url, region));
      let seedMs = performance.now() - started;
      let backfillMs = 0;
      if (fleet > 0) {
        if (fleetHistoryMs < historyMs) backfillMs += await backfill(range.world, range.metrics, wall() - fleetHistoryMs - WARMUP_MS);
        // The fleet's records go into a zone the demo world's change may still be processing (a
        // second change would be refused with PriorRequestNotComplete, and with the clock held it
        // would never end): the clock runs until every zone is free again, as a client would wait.
        const busyMs = Math.max(0, ...[...range.world.zones.values()].map((z) => z.busyUntilMs - now()));
        if (busyMs > 0) await new Promise((resolve) => setTimeout(resolve, busyMs + 1));
        started = performance.now();
        await held(() => seedFleet(range.url, fleet, region));
        seedMs += performance.now() - started;
      }
      backfillMs += await backfill(range.world, range.metrics, wall());
      return { demo, backfillMs, seedMs };
    } finally {
      offsetMs = 0;
      // Statistics count what clients do with the live range, not the seeding calls.
      resetStats(range.stats, wall());
    }
  };
  const range = await startRange({
    port: opts.port,
    host: opts.host,
    config: opts.config,
    now,
    seed: opts.seed,
    onReset: async (running) => {
      // The server emptied the world at the wall clock; empty it again at the offset so the new
      // world is born before its history, as at start-up.
      offsetMs = startOffsetMs;
      running.resetWorld();
      const built = await build(running);
      if (live !== undefined) {
        live.demo = built.demo;
        live.backfillMs = built.backfillMs;
        live.seedMs = built.seedMs;
      }
    },
  });
  try {
    const built = await build(range);
    live = { ...range, ...built, fleet };
    return live;
  } catch (err) {
    await range.close();
    throw err;
  }
}
