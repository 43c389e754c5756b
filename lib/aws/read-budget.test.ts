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
  IDLE_STRETCH_MAX,
  inReadTurn,
  READ_BUDGET_MESSAGE,
  stretchedIdleMs,
  type BudgetClock,
  type ReadTurn,
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

/** Starts a background read (of `turn`'s refresh, if given) and notes when (on the clock) it was let through or refused. */
function track(bucket: BudgetBucket, clock: BudgetClock, label: string, log: string[], turn?: ReadTurn): void {
  bucket.acquire(turn).then(
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

  it("serves idle reads oldest refresh first, behind every read someone is looking at", async () => {
    const clock = manualClock();
    // One token a second, none to spare; a page's read may wait 2 s, an idle one 30 s.
    const bucket = new BudgetBucket("elbv2@us-east-1", { ratePerSecond: 1, burst: 1 }, 2_000, clock, 30_000);
    const log: string[] = [];
    const older: ReadTurn = { idle: true, since: 0 };
    const newer: ReadTurn = { idle: true, since: 500 };
    track(bucket, clock, "first", log, newer); // takes the only token
    track(bucket, clock, "new-1", log, newer);
    track(bucket, clock, "new-2", log, newer);
    // The next call of a refresh that began earlier goes before the newer refresh's calls...
    track(bucket, clock, "old", log, older);
    // ...and a read for an open page goes before every idle read, within its own 2 s limit.
    track(bucket, clock, "page", log);
    await clock.advance(0);
    expect(log).toEqual(["first@0"]);
    await clock.advance(4_000);
    expect(log).toEqual(["first@0", "page@1000", "old@2000", "new-1@3000", "new-2@4000"]);
    expect(bucket.counters).toMatchObject({ granted: 1, queued: 4, refused: 0 });
  });

  it("lets an idle read wait up to its own limit, past a page read's, and refuses it beyond", async () => {
    const clock = manualClock();
    const bucket = new BudgetBucket("autoscaling@us-east-1", { ratePerSecond: 1, burst: 1 }, 2_000, clock, 5_000);
    const log: string[] = [];
    const idle: ReadTurn = { idle: true, since: 0 };
    for (const label of ["a", "b", "c", "d", "e", "f", "g"]) track(bucket, clock, label, log, idle);
    await clock.advance(0);
    // a has the token; b to f would wait 1 to 5 s, past a page read's 2 s but within the idle 5 s;
    // g would wait 6 s: refused at once.
    expect(log).toEqual(["a@0", "g!0"]);
    // A page's read goes before them all (1 s), which pushes f past its limit: refused when that shows.
    track(bucket, clock, "page", log);
    await clock.advance(10_000);
    expect(log).toEqual(["a@0", "g!0", "page@1000", "f!1000", "b@2000", "c@3000", "d@4000", "e@5000"]);
  });

  it("a turn without idle reads as a page read: first come first served, the page's limit", async () => {
    const clock = manualClock();
    const bucket = new BudgetBucket("ecs@us-east-1", { ratePerSecond: 1, burst: 1 }, 1_000, clock, 30_000);
    const log: string[] = [];
    const watched: ReadTurn = { idle: false, since: 0 };
    for (const label of ["a", "b", "c"]) track(bucket, clock, label, log, watched);
    await clock.advance(0);
    expect(log).toEqual(["a@0", "c!0"]);
    await clock.advance(2_000);
    expect(log).toEqual(["a@0", "c!0", "b@1000"]);
  });

  it("measures what the pages ask of each bucket, refused reads included, and names the busiest", async () => {
    const clock = manualClock();
    const budget = createReadBudget({ specs: budgetSpecs(), maxWaitMs: 1_000, clock });
    const elb = budget.bucket("elb", "us-east-1"); // 5 a second, burst 20
    const ecs = budget.bucket("ecs", "us-east-1"); // 10 a second, burst 25
    // 30 s of pages asking ELB for 6 reads a second (more than its 5: some are refused) and ECS for 2.
    for (let s = 0; s < 30; s++) {
      for (let i = 0; i < 6; i++) elb.acquire().catch(() => undefined);
      for (let i = 0; i < 2; i++) ecs.acquire().catch(() => undefined);
      await clock.advance(1_000);
    }
    expect(elb.counters.refused).toBeGreaterThan(0);
    expect(elb.demand(30_000)).toBeCloseTo(6, 5);
    expect(ecs.demand(30_000)).toBeCloseTo(2, 5);
    // Operation calls are not the pages' demand.
    ecs.debit();
    expect(ecs.demand(30_000)).toBeCloseTo(2, 5);
    expect(budget.busiest(30_000)).toEqual({ key: "elb@us-east-1", share: expect.closeTo(1.2, 5) as unknown as number });
    // A quiet minute later, the last 30 s asked nothing.
    await clock.advance(60_000);
    expect(budget.busiest(30_000).share).toBe(0);
  });

  it("stretches the idle interval until a cycle's reads ask at most 80 % of the budget, within 1 to 4 times the configured one", () => {
    // Asked 120 % of the budget over a 30 s cycle: the same reads over 45 s ask 80 %.
    expect(stretchedIdleMs(30_000, 1.2, 30_000)).toBe(45_000);
    // Over 45 s they asked 80 %: it stays.
    expect(stretchedIdleMs(45_000, 0.8, 30_000)).toBe(45_000);
    // Fewer applications later: it comes back down, never below the configured interval.
    expect(stretchedIdleMs(45_000, 0.4, 30_000)).toBe(30_000);
    expect(stretchedIdleMs(30_000, 0, 30_000)).toBe(30_000);
    // Never more than four times the configured interval, whatever the demand.
    expect(stretchedIdleMs(30_000, 50, 30_000)).toBe(IDLE_STRETCH_MAX * 30_000);
    // Whole seconds: noise in the share does not move it by milliseconds.
    expect(stretchedIdleMs(30_000, 1.0001, 30_000)).toBe(38_000);
  });

  it("the background middleware reads the turn of the refresh it runs in", async () => {
    const clock = manualClock();
    const bucket = new BudgetBucket("ec2@us-east-1", { ratePerSecond: 1, burst: 1 }, 1_000, clock, 10_000);
    const sent: string[] = [];
    const background = budgetMiddleware(
      bucket,
      "background",
    )((args: string) => {
      sent.push(`${args}@${clock.now()}`);
      return Promise.resolve(args);
    });
    void background("first");
    await clock.advance(0);
    // Outside a turn the second and third would wait 1 s and 2 s: the third past the 1 s limit.
    // In an idle turn both wait their turn.
    const calls = inReadTurn({ idle: true, since: 0 }, () => Promise.all([background("second"), background("third")]));
    await clock.advance(3_000);
    await calls;
    expect(sent).toEqual(["first@0", "second@1000", "third@2000"]);
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
