// The AWS budget's token buckets on a hand-driven clock: rates and bursts, the FIFO queue of
// background reads, operation calls that never wait and run the bucket into debt, the wait limit.
import { describe, expect, it } from "vitest";
import { isAppError } from "@/lib/domain/app-error";
import {
  ACCOUNT_LIMITS,
  BUDGET_SERVICES,
  BudgetBucket,
  budgetMiddleware,
  budgetSpecs,
  createReadBudget,
  READ_BUDGET_MESSAGE,
  type BudgetClock,
} from "./read-budget";

/** A clock whose timers fire only when the test advances it, in order. */
function manualClock(): BudgetClock & { advance(ms: number): Promise<void>; pending(): number } {
  let t = 0;
  let timers: { at: number; fn: () => void }[] = [];
  const flush = async () => {
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return {
    now: () => t,
    setTimer(fn, ms) {
      const timer = { at: t + ms, fn };
      timers.push(timer);
      return timer;
    },
    clearTimer(handle) {
      timers = timers.filter((x) => x !== handle);
    },
    pending: () => timers.length,
    async advance(ms) {
      const end = t + ms;
      for (;;) {
        const next = timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!next) break;
        timers = timers.filter((x) => x !== next);
        t = next.at;
        next.fn();
        await flush();
      }
      t = end;
      await flush();
    },
  };
}

/** Starts a background read and notes when (on the clock) it was let through or refused. */
function track(bucket: BudgetBucket, clock: BudgetClock, label: string, log: string[]): void {
  bucket.acquire().then(
    () => log.push(`${label}@${clock.now()}`),
    (err: unknown) =>
      log.push(`${label}!${clock.now()}${isAppError(err) && err.code === "throttled" && err.userMessage === READ_BUDGET_MESSAGE ? "" : "?"}`),
  );
}

describe("a budget bucket", () => {
  it("lets a burst through at once, then one read per 1/rate, in FIFO order", async () => {
    const clock = manualClock();
    const bucket = new BudgetBucket("elb@us-east-1", { ratePerSecond: 2, burst: 3 }, 10_000, clock);
    const log: string[] = [];
    for (const label of ["a", "b", "c", "d", "e", "f"]) track(bucket, clock, label, log);
    await clock.advance(0);
    expect(log).toEqual(["a@0", "b@0", "c@0"]);
    expect(bucket.waiting()).toBe(3);
    await clock.advance(499);
    expect(log).toHaveLength(3);
    await clock.advance(1);
    expect(log).toEqual(["a@0", "b@0", "c@0", "d@500"]);
    await clock.advance(1_000);
    expect(log).toEqual(["a@0", "b@0", "c@0", "d@500", "e@1000", "f@1500"]);
    expect(bucket.counters).toMatchObject({ granted: 3, queued: 3, waited: 3, waitedMs: 500 + 1000 + 1500, maxWaitedMs: 1500, refused: 0 });
    expect(clock.pending(), "no timer left once the queue is empty").toBe(0);
  });

  it("refills up to the burst only, and a newcomer queues behind those already waiting", async () => {
    const clock = manualClock();
    const bucket = new BudgetBucket("ecs@eu-west-1", { ratePerSecond: 1, burst: 2 }, 10_000, clock);
    const log: string[] = [];
    await clock.advance(60_000); // idle for a minute: still two tokens, not sixty
    for (const label of ["a", "b", "c"]) track(bucket, clock, label, log);
    await clock.advance(0);
    expect(log).toEqual(["a@60000", "b@60000"]);
    // The next token comes at 61 s, for c; a read arriving at 60.9 s waits behind it, until 62 s.
    await clock.advance(900);
    track(bucket, clock, "d", log);
    await clock.advance(0);
    expect(log).toEqual(["a@60000", "b@60000"]);
    await clock.advance(2_100);
    expect(log).toEqual(["a@60000", "b@60000", "c@61000", "d@62000"]);
  });

  it("refuses at once, without queueing, a read that would wait longer than the limit", async () => {
    const clock = manualClock();
    const bucket = new BudgetBucket("route53", { ratePerSecond: 1, burst: 1 }, 1_000, clock);
    const log: string[] = [];
    for (const label of ["a", "b", "c"]) track(bucket, clock, label, log);
    await clock.advance(0);
    // a has the token, b waits 1 s (the limit), c would wait 2 s: refused now, at 0.
    expect(log).toEqual(["a@0", "c!0"]);
    await clock.advance(1_000);
    expect(log).toEqual(["a@0", "c!0", "b@1000"]);
    expect(bucket.counters).toMatchObject({ granted: 1, queued: 1, waited: 1, refused: 1 });
  });

  it("sends operation calls at once, into debt, which pushes the waiting reads back", async () => {
    const clock = manualClock();
    const bucket = new BudgetBucket("elbv2@us-east-1", { ratePerSecond: 2, burst: 2 }, 2_000, clock);
    const log: string[] = [];
    for (const label of ["a", "b", "c"]) track(bucket, clock, label, log);
    await clock.advance(0);
    expect(log).toEqual(["a@0", "b@0"]); // c waits for the token due at 0.5 s
    // Three operation calls at 0.1 s: none waits, the bucket goes to −2.8 tokens.
    await clock.advance(100);
    bucket.debit();
    bucket.debit();
    bucket.debit();
    expect(bucket.level()).toBeCloseTo(-2.8, 6);
    expect(bucket.counters).toMatchObject({ debited: 3, overtook: 3 });
    // c now needs 3.8 tokens: 1.9 s at 2 per s, at 2.0 s; within its limit (it queued at 0, limit 2 s).
    await clock.advance(1_800);
    expect(log).toEqual(["a@0", "b@0"]);
    await clock.advance(100);
    expect(log).toEqual(["a@0", "b@0", "c@2000"]);
    // Debited with no read waiting: not counted as overtaking.
    bucket.debit();
    expect(bucket.counters).toMatchObject({ debited: 4, overtook: 3 });
  });

  it("refuses a waiting read as soon as an operation's debt pushes it past its limit, not when the limit runs out", async () => {
    const clock = manualClock();
    const bucket = new BudgetBucket("ec2@us-east-1", { ratePerSecond: 1, burst: 1 }, 1_500, clock);
    const log: string[] = [];
    track(bucket, clock, "a", log);
    track(bucket, clock, "b", log); // due at 1 s
    await clock.advance(0);
    await clock.advance(200);
    bucket.debit(); // b now due at 2 s, past its limit (1.5 s): refused at once
    await clock.advance(0);
    expect(log).toEqual(["a@0", "b!200"]);
    expect(clock.pending()).toBe(0);
    // A new read while in debt (−0.8 tokens) waits 1.8 s: more than the limit, refused.
    track(bucket, clock, "c", log);
    await clock.advance(0);
    expect(log).toEqual(["a@0", "b!200", "c!200"]);
    expect(bucket.counters).toMatchObject({ granted: 1, queued: 1, refused: 2, debited: 1, overtook: 1 });
  });

  it("a zero wait limit makes background reads take a token or fail, never wait", async () => {
    const clock = manualClock();
    const bucket = new BudgetBucket("autoscaling@us-east-1", { ratePerSecond: 5, burst: 1 }, 0, clock);
    const log: string[] = [];
    track(bucket, clock, "a", log);
    track(bucket, clock, "b", log);
    await clock.advance(0);
    expect(log).toEqual(["a@0", "b!0"]);
    await clock.advance(200);
    track(bucket, clock, "c", log);
    await clock.advance(0);
    expect(log).toEqual(["a@0", "b!0", "c@200"]);
  });
});

describe("the budget", () => {
  it("defaults to half of each service's account limit; a factor and known limits change it", () => {
    const half = budgetSpecs();
    for (const service of BUDGET_SERVICES) {
      expect(half[service]).toEqual({ ratePerSecond: ACCOUNT_LIMITS[service].ratePerSecond / 2, burst: ACCOUNT_LIMITS[service].burst / 2 });
    }
    expect(half.route53).toEqual({ ratePerSecond: 5, burst: 25 });
    expect(half.elbv2).toEqual({ ratePerSecond: 5, burst: 20 });
    const custom = budgetSpecs(0.25, { ecs: { ratePerSecond: 40, burst: 100 } });
    expect(custom.ecs).toEqual({ ratePerSecond: 10, burst: 25 });
    expect(custom.cloudwatch).toEqual({ ratePerSecond: 12.5, burst: 12.5 });
    // A burst is never below one token, or no read could ever pass.
    expect(budgetSpecs(0.01).route53.burst).toBe(1);
  });

  it("has one bucket per service and Region, and one for Route 53 whatever the Region", () => {
    const budget = createReadBudget({ specs: budgetSpecs() });
    expect(budget.bucket("elb", "us-east-1")).toBe(budget.bucket("elb", "us-east-1"));
    expect(budget.bucket("elb", "us-east-1")).not.toBe(budget.bucket("elb", "eu-west-1"));
    expect(budget.bucket("elb", "us-east-1")).not.toBe(budget.bucket("elbv2", "us-east-1"));
    expect(budget.bucket("route53", "us-east-1")).toBe(budget.bucket("route53", "eu-west-1"));
    budget.bucket("elb", "us-east-1").debit();
    budget.bucket("ecs", "us-east-1").debit();
    expect(budget.totals()).toMatchObject({ debited: 2, granted: 0 });
  });

  it("the operation middleware sends at once even deep in debt; the background one waits its turn", async () => {
    const clock = manualClock();
    const bucket = new BudgetBucket("ecs@us-east-1", { ratePerSecond: 1, burst: 1 }, 5_000, clock);
    for (let i = 0; i < 20; i++) bucket.debit();
    const sent: string[] = [];
    const operation = budgetMiddleware(
      bucket,
      "operation",
    )((args: string) => {
      sent.push(args);
      return Promise.resolve(args);
    });
    const background = budgetMiddleware(
      bucket,
      "background",
    )((args: string) => {
      sent.push(args);
      return Promise.resolve(args);
    });
    void operation("UpdateService");
    // Synchronously: no promise, no timer stands between an operation call and the wire.
    expect(sent).toEqual(["UpdateService"]);
    const refused = background("DescribeServices").catch((err: unknown) => (isAppError(err) ? err.code : "?"));
    await clock.advance(0);
    expect(await refused).toBe("throttled");
    expect(sent).toEqual(["UpdateService"]);
    expect(bucket.counters).toMatchObject({ debited: 21, refused: 1 });
  });
});
