/**
 * A hand-driven clock with timers (tests only): the engine's `now`, `sleep` and `every` (lease
 * heartbeat) and the recovery loop's `every` all run on it, so a test can move time by any amount
 * and see every timer that falls due fire in order, with the promises it starts settled between
 * ticks, as they would be in a running server.
 */

interface Timer {
  id: number;
  due: number;
  periodMs: number | null;
  fire: () => void;
}

/**
 * Lets pending promise chains (a store write, a recovery look) run to their end. A store that
 * answers over a socket (PostgreSQL) needs real time for that too: `ioPauseMs` of it, between two
 * rounds of the event loop.
 */
async function settle(ioPauseMs: number, rounds = 8): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  if (ioPauseMs <= 0) return;
  await new Promise<void>((resolve) => setTimeout(resolve, ioPauseMs));
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export class HandClock {
  private timers: Timer[] = [];
  private nextId = 1;

  /** `nowMs` and `setNow` let the clock live elsewhere (the practice range's manual clock). */
  constructor(
    private readonly nowMs: () => number,
    private readonly setNow: (ms: number) => void,
    /** Real milliseconds given to I/O after each timer fires (0: promise chains only). */
    private readonly ioPauseMs = 0,
  ) {}

  static at(startMs: number, options: { ioPauseMs?: number } = {}): HandClock {
    let clock = startMs;
    return new HandClock(
      () => clock,
      (ms) => {
        clock = ms;
      },
      options.ioPauseMs ?? 0,
    );
  }

  readonly now = (): number => this.nowMs();

  /** EngineOptions.every / RecoveryLoopOptions.every. */
  readonly every = (ms: number, tick: () => void): (() => void) => {
    const timer: Timer = { id: this.nextId++, due: this.nowMs() + ms, periodMs: ms, fire: tick };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  };

  /** EngineOptions.sleep: resolves once the clock has been moved past `ms` from now. */
  readonly sleep = (ms: number): Promise<void> =>
    new Promise<void>((resolve) => {
      this.timers.push({ id: this.nextId++, due: this.nowMs() + ms, periodMs: null, fire: resolve });
    });

  /** Periods of the repeating timers set so far (which heartbeat runs how often). */
  periods(): number[] {
    return this.timers.filter((t) => t.periodMs !== null).map((t) => t.periodMs ?? 0);
  }

  /** When the next repeating timer with this period falls due. */
  nextDue(periodMs: number): number | null {
    const due = this.timers.filter((t) => t.periodMs === periodMs).map((t) => t.due);
    return due.length ? Math.min(...due) : null;
  }

  /** Moves the clock `ms` forward, firing each timer at its due time (earliest first). */
  async advance(ms: number): Promise<void> {
    const end = this.nowMs() + ms;
    for (;;) {
      await settle(this.ioPauseMs);
      const next = this.timers.filter((t) => t.due <= end).sort((a, b) => a.due - b.due || a.id - b.id)[0];
      if (!next) break;
      if (next.due > this.nowMs()) this.setNow(next.due);
      if (next.periodMs === null) this.timers = this.timers.filter((t) => t !== next);
      else next.due += next.periodMs;
      next.fire();
    }
    if (end > this.nowMs()) this.setNow(end);
    await settle(this.ioPauseMs);
  }
}
