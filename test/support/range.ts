/**
 * Test support for the practice range: a range on a free port with a hand-driven clock, and SDK
 * client settings pointing at it. Used by the range's own integration tests and by other layers'
 * tests that need real AWS wire traffic.
 */
import type { SimConfig } from "@/range/world/state";
import { startRange, type RunningRange } from "@/range/protocols/server";

export interface TestRange extends RunningRange {
  /** Client settings for any AWS SDK v3 client: endpoint, region, static test credentials. */
  clientConfig: {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
    maxAttempts: number;
  };
  /** The range's current clock time. */
  nowMs(): number;
  /** Moves the clock forward by `ms` (the world follows on the next request or tick). */
  tick(ms: number): void;
}

/**
 * Starts a range on 127.0.0.1 and a free port, with a manual clock starting at `startMs`. `seed`
 * seeds its ids and fault dice (the same seed, the same run).
 */
export async function startTestRange(
  config: Partial<SimConfig> = {},
  startMs = Date.UTC(2026, 0, 1, 12),
  seed: number | string = "test",
): Promise<TestRange> {
  let clock = startMs;
  const range = await startRange({
    port: 0,
    host: "127.0.0.1",
    config,
    now: () => clock,
    seed,
    // The manual clock is what lets `POST /_sim/clock {advanceSeconds}` work in tests.
    advanceClock: (ms) => {
      clock += ms;
    },
  });
  return {
    ...range,
    clientConfig: {
      endpoint: range.url,
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      maxAttempts: 1,
    },
    nowMs: () => clock,
    tick: (ms: number) => {
      clock += ms;
    },
  };
}
