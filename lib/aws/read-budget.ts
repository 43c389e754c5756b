/**
 * Teal's budget for AWS (docs/aws-behaviour.md §8.3): a client-side token bucket per service and
 * Region, at a share (half by default) of the account's documented rate limit, that every call of
 * Teal counts against, with two priorities:
 *
 * - **background** reads (the pages' snapshots) take a token, or wait for one in a queue; a read
 *   that would wait longer than its limit fails at once with a local "read budget" error (it is not
 *   sent), which the snapshot path treats like any failed read. Two kinds share the queue:
 *   - a read for a page someone has open (or an application with an operation in flight) waits at
 *     most `maxWaitMs`, first come first served, ahead of every idle read: someone is looking;
 *   - an **idle** read (an application only the overview and the wall show, `inReadTurn`) may wait
 *     up to `idleMaxWaitMs`, about one idle interval, because nobody waits for it (the pages
 *     answer with the last good read meanwhile). Idle reads are served oldest refresh first: the
 *     next call of a refresh under way goes before the first call of a refresh that began after
 *     it. A refresh is a chain of calls; served first come first served, a fleet's chains
 *     interleaved, each took one queue wait per call and ran past the wait limit, and the same
 *     applications were refused window after window (BENCHMARKS.md, fleet);
 * - **operation** calls (every mutation, a rollback's reads, the engine's wait checks, plan
 *   observes) never wait: they are sent at once and debit the bucket, into debt if need be, which
 *   pushes the waiting background reads back. So an operation is never queued behind polling, and
 *   polling cannot spend the share of the account limit that operations need.
 *
 * The buckets run on an injectable clock, so their unit tests are exact and fast.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { AppError } from "@/lib/domain/app-error";

/** The services Teal calls; Route 53 has one budget for the account (its limit is global). */
export const BUDGET_SERVICES = ["route53", "elb", "elbv2", "autoscaling", "ecs", "ec2", "cloudwatch"] as const;
export type BudgetService = (typeof BUDGET_SERVICES)[number];

/** A token bucket: `burst` tokens at most, refilled at `ratePerSecond`. */
export interface BucketSpec {
  ratePerSecond: number;
  burst: number;
}

/**
 * The account limits per service and Region the budget is a share of (docs/aws-behaviour.md §8.1),
 * for the calls Teal makes. `verified: false` marks a figure AWS does not publish (or §8.1 does not
 * carry): an assumption, the same as the practice range's, to be overridden with
 * `TEAL_READ_BUDGET_LIMITS` when the account's real limit is known.
 */
export const ACCOUNT_LIMITS: Readonly<Record<BudgetService, BucketSpec & { verified: boolean }>> = {
  // The account-wide bucket every Route 53 request takes from: 50, refilled at 10 per s (§0.1).
  route53: { burst: 50, ratePerSecond: 10, verified: true },
  // Describe* of the ELB API: 40, refilled at 10 per s; classic and v2 have separate buckets (§8.1).
  elb: { burst: 40, ratePerSecond: 10, verified: true },
  elbv2: { burst: 40, ratePerSecond: 10, verified: true },
  // EC2 Auto Scaling publishes no figures (§8.1): the practice range's assumption.
  autoscaling: { burst: 40, ratePerSecond: 10, verified: false },
  // ECS: bucket 50 (cluster reads, documented); about 20 per s for service reads (secondary source).
  ecs: { burst: 50, ratePerSecond: 20, verified: false },
  // EC2 non-mutating actions: 100, refilled at 20 per s (§8.1).
  ec2: { burst: 100, ratePerSecond: 20, verified: true },
  // GetMetricData, the only CloudWatch call Teal makes: 50 per s (§6.4).
  cloudwatch: { burst: 50, ratePerSecond: 50, verified: true },
};

/** The share of each account limit Teal's reads may use by default. */
export const DEFAULT_BUDGET_FACTOR = 0.5;

/** How long a background read may wait for a token by default before it fails (ms). */
// As long as one fast refresh: a cold overview of the demo fleet (a burst of reads for every
// application at once) waits a few seconds for its tokens rather than failing its first reads.
export const DEFAULT_MAX_WAIT_MS = 5_000;

/**
 * The budget of each service: `factor` × its account limit (`limits` overrides the documented or
 * assumed limits of ACCOUNT_LIMITS). A burst never goes below one token.
 */
export function budgetSpecs(
  factor = DEFAULT_BUDGET_FACTOR,
  limits: Partial<Record<BudgetService, BucketSpec>> = {},
): Record<BudgetService, BucketSpec> {
  const specs = {} as Record<BudgetService, BucketSpec>;
  for (const service of BUDGET_SERVICES) {
    const limit = limits[service] ?? ACCOUNT_LIMITS[service];
    specs[service] = { ratePerSecond: limit.ratePerSecond * factor, burst: Math.max(1, limit.burst * factor) };
  }
  return specs;
}

/** The clock and timers the buckets run on (real ones by default; tests inject their own). */
export interface BudgetClock {
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export const REAL_CLOCK: BudgetClock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    // A waiting read must not keep the process alive.
    handle.unref();
    return handle;
  },
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** What a bucket has done since it was created (for tests and the bench). */
export interface BudgetCounters {
  /** Background reads that had a token at once. */
  granted: number;
  /** Background reads that waited in the queue (whether they were served or refused in the end). */
  queued: number;
  /** Background reads served after waiting, and their total and longest wait (ms). */
  waited: number;
  waitedMs: number;
  maxWaitedMs: number;
  /** Background reads refused (never sent): the wait would have been longer than the limit. */
  refused: number;
  /** Operation calls, sent at once and counted against the bucket. */
  debited: number;
  /** Operation calls sent while background reads were waiting in the queue (they went first). */
  overtook: number;
}

function zeroCounters(): BudgetCounters {
  return { granted: 0, queued: 0, waited: 0, waitedMs: 0, maxWaitedMs: 0, refused: 0, debited: 0, overtook: 0 };
}

/** The message a page shows when its refresh was held back by the budget. */
export const READ_BUDGET_MESSAGE =
  "Teal held this read of AWS back to stay within its read budget (AWS rate limits; operations go first). The data shown is the last good read.";

/** The local error of a refused background read (never sent to AWS). */
export function readBudgetError(key: string, waitMs: number, maxWaitMs: number): AppError {
  return new AppError(
    "throttled",
    READ_BUDGET_MESSAGE,
    `read budget ${key}: a read would wait ${Math.round(waitMs)} ms for a token, more than ${maxWaitMs} ms`,
  );
}

/**
 * What the reads of one refresh tell the budget: whether nobody is waiting for them (`idle`), and
 * when the refresh began (`since`, the rank of its calls in the queue: oldest first, on the
 * refresh's clock).
 */
export interface ReadTurn {
  idle: boolean;
  since: number;
  /**
   * How old a health answer (classic ELB `DescribeInstanceHealth`, ELBv2 `DescribeTargetHealth`)
   * an idle refresh may take from an earlier refresh instead of asking AWS again (ms; 0 or absent:
   * never). See `reusableRead` in lib/aws/batched-reads.ts.
   */
  reuseHealthMs?: number;
  /** Set by the reads: when the oldest answer this refresh took from an earlier one was read (same clock as `since`). */
  reusedFrom?: number;
}

const turns = new AsyncLocalStorage<ReadTurn>();

/** Runs `fn` with its AWS calls counted as `turn`'s (the budget middleware reads it). */
export function inReadTurn<T>(turn: ReadTurn, fn: () => Promise<T>): Promise<T> {
  return turns.run(turn, fn);
}

/** The turn of the calls made here, if a refresh set one. */
export function currentReadTurn(): ReadTurn | undefined {
  return turns.getStore();
}

interface Waiter {
  since: number;
  deadline: number;
  /** An idle read: served after every other waiting read, oldest `rank` first. */
  idle: boolean;
  rank: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

/** How far back a bucket remembers the background reads asked of it (ms): the longest idle cycle measured. */
export const DEMAND_MEMORY_MS = 10 * 60_000;

/** Slack for floating-point refill arithmetic (a timer that fires on time finds 0.999… tokens). */
const EPSILON = 1e-9;

/** One token bucket with a queue of background reads: the others first come first served, then the idle ones oldest refresh first. */
export class BudgetBucket {
  private tokens: number;
  private updatedMs: number;
  private readonly createdMs: number;
  private readonly queue: Waiter[] = [];
  private timer: { handle: unknown } | null = null;
  /** When background reads asked for a token (granted, queued or refused), oldest first, for `demand`. */
  private readonly asked: number[] = [];
  readonly counters: BudgetCounters = zeroCounters();

  constructor(
    readonly key: string,
    readonly spec: BucketSpec,
    private readonly maxWaitMs: number,
    private readonly clock: BudgetClock = REAL_CLOCK,
    /** How long an idle read may wait (ms); the same as `maxWaitMs` when absent. */
    private readonly idleMaxWaitMs: number = maxWaitMs,
  ) {
    this.tokens = spec.burst;
    this.updatedMs = clock.now();
    this.createdMs = this.updatedMs;
  }

  /** Tokens now (negative: the debt operations ran up). */
  level(): number {
    this.refill();
    return this.tokens;
  }

  /** Background reads waiting now. */
  waiting(): number {
    return this.queue.length;
  }

  /**
   * A background read: resolves when it may be sent; rejects at once when it would wait too long.
   * `turn` (the refresh it belongs to) makes it an idle read when nobody waits for it.
   */
  acquire(turn?: ReadTurn): Promise<void> {
    this.refill();
    this.noteAsked();
    if (this.queue.length === 0 && this.tokens >= 1 - EPSILON) {
      this.tokens -= 1;
      this.counters.granted += 1;
      return Promise.resolve();
    }
    const now = this.clock.now();
    const idle = turn?.idle === true;
    const rank = turn?.since ?? now;
    const at = this.placeOf(idle, rank);
    const limitMs = idle ? this.idleMaxWaitMs : this.maxWaitMs;
    const waitMs = this.projectedWaitMs(at);
    if (waitMs > limitMs) {
      this.counters.refused += 1;
      return Promise.reject(readBudgetError(this.key, waitMs, limitMs));
    }
    this.counters.queued += 1;
    return new Promise<void>((resolve, reject) => {
      this.queue.splice(at, 0, { since: now, deadline: now + limitMs, idle, rank, resolve, reject });
      this.schedule();
    });
  }

  /**
   * The background reads asked for over the last `windowMs` (or since the bucket was made, if
   * later), per second, whether they were served or refused: what the pages want of this service.
   */
  demand(windowMs: number): number {
    const now = this.clock.now();
    this.trimAsked(now);
    const since = now - windowMs;
    let count = 0;
    for (let i = this.asked.length - 1; i >= 0 && (this.asked[i] as number) >= since; i--) count += 1;
    const spanMs = Math.min(windowMs, now - this.createdMs);
    return spanMs > 0 ? count / (spanMs / 1000) : 0;
  }

  private noteAsked(): void {
    const now = this.clock.now();
    this.asked.push(now);
    if (this.asked.length > 4_096) this.trimAsked(now);
  }

  /** Forgets asks older than the longest window anyone measures (DEMAND_MEMORY_MS). */
  private trimAsked(now: number): void {
    let drop = 0;
    while (drop < this.asked.length && (this.asked[drop] as number) <= now - DEMAND_MEMORY_MS) drop += 1;
    if (drop > 0) this.asked.splice(0, drop);
  }

  /** Where a new waiter goes: behind the other reads of its kind that came before it (idle ones: that began before it). */
  private placeOf(idle: boolean, rank: number): number {
    let at = 0;
    while (at < this.queue.length) {
      const w = this.queue[at] as Waiter;
      if (!w.idle) at += 1;
      else if (idle && w.rank <= rank) at += 1;
      else break;
    }
    return at;
  }

  /** An operation call: counted at once, never waits; waiting reads are pushed back (or refused). */
  debit(): void {
    this.refill();
    if (this.queue.length > 0) this.counters.overtook += 1;
    this.tokens -= 1;
    this.counters.debited += 1;
    this.pump();
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsedS = Math.max(0, now - this.updatedMs) / 1000;
    this.updatedMs = Math.max(this.updatedMs, now);
    this.tokens = Math.min(this.spec.burst, this.tokens + elapsedS * this.spec.ratePerSecond);
  }

  /** How long until the read at `position` in the queue has its token, if nothing else is debited (ms). */
  private projectedWaitMs(position: number): number {
    const missing = position + 1 - this.tokens;
    if (missing <= EPSILON) return 0;
    if (this.spec.ratePerSecond <= 0) return Infinity;
    return (missing / this.spec.ratePerSecond) * 1000;
  }

  /** Serves the queue's head while there are tokens; refuses the reads that can no longer be served in time. */
  private pump(): void {
    this.refill();
    const now = this.clock.now();
    while (this.queue.length > 0 && this.tokens >= 1 - EPSILON) {
      const waiter = this.queue.shift() as Waiter;
      this.tokens -= 1;
      const waited = now - waiter.since;
      this.counters.waited += 1;
      this.counters.waitedMs += waited;
      this.counters.maxWaitedMs = Math.max(this.counters.maxWaitedMs, waited);
      waiter.resolve();
    }
    for (let i = 0; i < this.queue.length;) {
      const waiter = this.queue[i] as Waiter;
      const waitMs = this.projectedWaitMs(i);
      if (now + waitMs > waiter.deadline + EPSILON) {
        this.queue.splice(i, 1);
        this.counters.refused += 1;
        waiter.reject(readBudgetError(this.key, now + waitMs - waiter.since, this.maxWaitMs));
      } else {
        i += 1;
      }
    }
    this.schedule();
  }

  /** One timer, for when the queue's head has its token. */
  private schedule(): void {
    if (this.timer) {
      this.clock.clearTimer(this.timer.handle);
      this.timer = null;
    }
    if (this.queue.length === 0) return;
    const ms = Math.max(0, Math.ceil(this.projectedWaitMs(0)));
    const timer = { handle: null as unknown };
    timer.handle = this.clock.setTimer(() => {
      if (this.timer === timer) this.timer = null;
      this.pump();
    }, ms);
    this.timer = timer;
  }
}

/** The share of the budget the idle reads aim at: room for the pages someone has open and for bursts. */
export const IDLE_BUDGET_TARGET = 0.8;

/** The longest the idle interval stretches, as a multiple of the configured one. */
export const IDLE_STRETCH_MAX = 4;

/**
 * The idle interval for the next cycle (ms). The reads of one idle cycle are about the same however
 * long the cycle, so what they ask per second falls as the cycle grows: a cycle of `currentMs`
 * whose busiest service asked for `share` of its budget would ask `IDLE_BUDGET_TARGET` of it at
 * `currentMs × share / target`. Never shorter than the configured interval (`baseMs`), never longer
 * than `IDLE_STRETCH_MAX` times it. Rounded up to whole seconds, so it does not move for noise.
 */
export function stretchedIdleMs(currentMs: number, share: number, baseMs: number): number {
  const wanted = Math.ceil((currentMs * share) / IDLE_BUDGET_TARGET / 1000) * 1000;
  return Math.min(IDLE_STRETCH_MAX * baseMs, Math.max(baseMs, wanted));
}

/** Which side of the budget a client's calls are on. */
export type BudgetPriority = "background" | "operation";

export interface ReadBudget {
  /** The bucket of a service in a Region (Route 53: one for the account). */
  bucket(service: BudgetService, region: string): BudgetBucket;
  /** Every bucket used so far. */
  buckets(): BudgetBucket[];
  /** The counters of every bucket added up. */
  totals(): BudgetCounters;
  /**
   * The highest share of its budget any bucket's background reads asked for over the last
   * `windowMs` (1 = exactly the budget's rate), and that bucket's key.
   */
  busiest(windowMs: number): { key: string; share: number };
}

export interface ReadBudgetOptions {
  specs: Record<BudgetService, BucketSpec>;
  maxWaitMs?: number;
  /** How long an idle read may wait (ms); `maxWaitMs` when absent. */
  idleMaxWaitMs?: number;
  clock?: BudgetClock;
}

export function createReadBudget(opts: ReadBudgetOptions): ReadBudget {
  const maxWaitMs = opts.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  const idleMaxWaitMs = opts.idleMaxWaitMs ?? maxWaitMs;
  const buckets = new Map<string, BudgetBucket>();
  return {
    bucket(service, region) {
      const key = service === "route53" ? "route53" : `${service}@${region}`;
      let b = buckets.get(key);
      if (!b) {
        b = new BudgetBucket(key, opts.specs[service], maxWaitMs, opts.clock, idleMaxWaitMs);
        buckets.set(key, b);
      }
      return b;
    },
    buckets: () => [...buckets.values()],
    busiest(windowMs) {
      let top = { key: "", share: 0 };
      for (const b of buckets.values()) {
        if (b.spec.ratePerSecond <= 0) continue;
        const share = b.demand(windowMs) / b.spec.ratePerSecond;
        if (share > top.share) top = { key: b.key, share };
      }
      return top;
    },
    totals() {
      const sum = zeroCounters();
      for (const b of buckets.values()) {
        for (const name of Object.keys(sum) as (keyof BudgetCounters)[]) {
          sum[name] = name === "maxWaitedMs" ? Math.max(sum[name], b.counters[name]) : sum[name] + b.counters[name];
        }
      }
      return sum;
    },
  };
}

/**
 * The SDK middleware of a client on the budget: each HTTP attempt (it sits after the SDK's retry
 * middleware, so a retry counts as AWS counts it) takes a token or waits for one (background), or
 * debits the bucket and goes at once (operation).
 */
/** An SDK middleware that fits any step: it only wraps the call after it. */
export type PassThroughMiddleware = <A, R>(next: (args: A) => Promise<R>) => (args: A) => Promise<R>;

export function budgetMiddleware(bucket: BudgetBucket, priority: BudgetPriority): PassThroughMiddleware {
  if (priority === "operation") {
    return (next) => (args) => {
      bucket.debit();
      return next(args);
    };
  }
  return (next) => async (args) => {
    await bucket.acquire(turns.getStore());
    return next(args);
  };
}
