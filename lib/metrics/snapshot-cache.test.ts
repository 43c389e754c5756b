import { describe, expect, it } from "vitest";
import { createSnapshotCache } from "./snapshot-cache";

describe("createSnapshotCache", () => {
  it("coalesces concurrent gets into one load", async () => {
    let release: (v: number) => void = () => undefined;
    let calls = 0;
    const cache = createSnapshotCache({
      ttlMs: 5000,
      load: () => {
        calls++;
        return new Promise<number>((resolve) => (release = resolve));
      },
    });
    const gets = Array.from({ length: 50 }, () => cache.get("shop"));
    release(42);
    expect(await Promise.all(gets)).toEqual(Array(50).fill(42));
    expect(calls).toBe(1);
  });

  it("refreshes at most once per ttl, per key", async () => {
    let t = 0;
    let calls = 0;
    const cache = createSnapshotCache({ ttlMs: 5000, now: () => t, load: async (k) => `${k}:${++calls}` });
    expect(await cache.get("a")).toBe("a:1");
    t = 4999;
    expect(await cache.get("a")).toBe("a:1");
    expect(await cache.get("b")).toBe("b:2");
    t = 5000;
    expect(await cache.get("a")).toBe("a:3");
    cache.invalidate("a");
    expect(await cache.get("a")).toBe("a:4");
    expect(cache.loads()).toBe(4);
  });

  it("refreshes each key in its own window when the ttl is per key, and follows a key's ttl as it changes", async () => {
    let t = 0;
    const ttl = new Map([
      ["busy", 5_000],
      ["idle", 30_000],
    ]);
    const cache = createSnapshotCache({ ttlMs: (k) => ttl.get(k) ?? 5_000, now: () => t, load: async (k) => `${k}@${t}` });
    const loadsOver = async (keys: string[], untilMs: number): Promise<void> => {
      for (; t < untilMs; t += 1_000) for (const k of keys) await cache.get(k);
    };
    await loadsOver(["busy", "idle"], 60_000);
    // A minute polled every second: 12 loads of the busy key, 2 of the idle one.
    expect(cache.loads()).toBe(14);
    // The idle key turns busy (its page opened): from then on it is read in 5 s windows too.
    ttl.set("idle", 5_000);
    await loadsOver(["idle"], 120_000);
    expect(cache.loads()).toBe(14 + 12);
    t = 119_000;
    expect(await cache.get("idle"), "the last window's read").toBe("idle@115000");
  });

  it("starts each key's windows at its phase: keys with different phases fall due at different moments", async () => {
    let t = 0;
    const phases = new Map([
      ["early", 0],
      ["late", 0.5],
    ]);
    const loadedAt: Record<string, number[]> = { early: [], late: [] };
    const cache = createSnapshotCache({
      ttlMs: 30_000,
      now: () => t,
      phase: (k) => phases.get(k) ?? 0,
      load: async (k) => {
        loadedAt[k]?.push(t);
        return t;
      },
    });
    // Polled every 5 s for two minutes, as the overview does.
    for (; t < 120_000; t += 5_000) for (const k of ["early", "late"]) await cache.get(k);
    // The first load is at once; then each key once per window, at its own boundary: 30, 60, 90 s
    // for the one, 15, 45, 75, 105 s for the one half a window later.
    expect(loadedAt.early).toEqual([0, 30_000, 60_000, 90_000]);
    expect(loadedAt.late).toEqual([0, 15_000, 45_000, 75_000, 105_000]);
  });

  it("counts a load that ends in the next window as that window's refresh, not as due again at once", async () => {
    let t = 0;
    const releases: Array<(v: string) => void> = [];
    const cache = createSnapshotCache({
      ttlMs: 5000,
      now: () => t,
      load: () => new Promise<string>((resolve) => releases.push(resolve)),
    });
    const first = cache.get("a");
    t = 4_000;
    // Still loading when its window ends: queued behind the budget, say.
    t = 6_000;
    releases[0]?.("late");
    expect(await first).toBe("late");
    // It ended in the window that began at 5 s: that window is refreshed; the next falls due at 10 s.
    expect(await cache.get("a")).toBe("late");
    t = 9_999;
    expect(await cache.get("a")).toBe("late");
    expect(cache.loads()).toBe(1);
    t = 10_000;
    const next = cache.get("a");
    releases[1]?.("on time");
    expect(await next).toBe("on time");
    expect(cache.loads()).toBe(2);
  });

  it("costs one load per window for one viewer polling every 2 s and for a crowd polling every 100 ms", async () => {
    const loadsOver = async (pollMs: number, viewers: number): Promise<number> => {
      let t = 0;
      const cache = createSnapshotCache({ ttlMs: 5000, now: () => t, load: async () => t });
      for (; t < 60_000; t += pollMs) await Promise.all(Array.from({ length: viewers }, () => cache.get("shop")));
      return cache.loads();
    };
    expect(await loadsOver(2_000, 1)).toBe(12);
    expect(await loadsOver(100, 50)).toBe(12);
  });

  it("counts a failed refresh as the interval's refresh: one try per ttl however many callers", async () => {
    let t = 0;
    let calls = 0;
    const cache = createSnapshotCache({
      ttlMs: 5000,
      now: () => t,
      load: async () => {
        calls++;
        throw new Error("connection refused");
      },
    });
    await expect(cache.get("x")).rejects.toThrow("connection refused");
    t = 4999;
    await expect(Promise.all(Array.from({ length: 50 }, () => cache.get("x")))).rejects.toThrow("connection refused");
    expect(calls).toBe(1);
    t = 5000;
    await expect(cache.get("x")).rejects.toThrow("connection refused");
    expect(calls).toBe(2);
  });

  it("keeps the last good value with the failure, while refreshes fail; recovers by itself", async () => {
    let t = 1000;
    let fail = false;
    let n = 0;
    const cache = createSnapshotCache({
      ttlMs: 5000,
      now: () => t,
      load: async () => {
        if (fail) throw new Error("connection refused");
        return ++n;
      },
    });
    expect(await cache.read("x")).toEqual({ value: 1, error: null });
    fail = true;
    t = 7000;
    // The refresh is due and fails: read answers with the last good value and the failure.
    const during = await cache.read("x");
    expect(during.value).toBe(1);
    expect(during.error).toBeInstanceOf(Error);
    // get() is for callers that must not act on old data: it reports the failure.
    await expect(cache.get("x")).rejects.toThrow("connection refused");
    expect(cache.loads()).toBe(2);
    fail = false;
    t = 12_000;
    expect(await cache.read("x")).toEqual({ value: 2, error: null });
    expect(await cache.get("x")).toBe(2);
  });

  it("read waits for a due refresh only so long: one that never answers leaves the last good value", async () => {
    let t = 0;
    let hang = false;
    const cache = createSnapshotCache({
      ttlMs: 5000,
      readWaitMs: 20,
      now: () => t,
      load: (): Promise<string> => (hang ? new Promise<string>(() => undefined) : Promise.resolve("good")),
    });
    expect((await cache.read("x")).value).toBe("good");
    hang = true;
    t = 60_000;
    expect(await cache.read("x")).toEqual({ value: "good", error: null });
    expect(await cache.read("x")).toEqual({ value: "good", error: null });
    // One refresh in flight, however many reads.
    expect(cache.loads()).toBe(2);
  });

  it("read with firstWaitMs answers 'pending' when the first load is slow, and the value once it lands", async () => {
    let release: (v: string) => void = () => undefined;
    const cache = createSnapshotCache({
      ttlMs: 5000,
      load: () => new Promise<string>((resolve) => (release = resolve)),
    });
    const first = { firstWaitMs: 20, pending: () => new Error("not read yet") };
    const started = Date.now();
    await expect(cache.read("x", first)).rejects.toThrow("not read yet");
    expect(Date.now() - started).toBeLessThan(1_000);
    // The load went on behind the answer: one load, and its value once it lands.
    await expect(cache.read("x", first)).rejects.toThrow("not read yet");
    expect(cache.loads()).toBe(1);
    release("good");
    expect(await cache.read("x", first)).toEqual({ value: "good", error: null });
    expect(cache.loads()).toBe(1);
  });

  it("read rejects when no load ever succeeded", async () => {
    const cache = createSnapshotCache({
      ttlMs: 5000,
      load: async (): Promise<number> => {
        throw new Error("down");
      },
    });
    await expect(cache.read("x")).rejects.toThrow("down");
  });

  it("invalidate reloads at once but keeps the last good value if that reload fails", async () => {
    let fail = false;
    let n = 0;
    const cache = createSnapshotCache({
      ttlMs: 60_000,
      load: async () => {
        if (fail) throw new Error("down");
        return ++n;
      },
    });
    expect(await cache.get("x")).toBe(1);
    cache.invalidate("x");
    expect(await cache.get("x")).toBe(2);
    fail = true;
    cache.invalidate("x");
    expect((await cache.read("x")).value).toBe(2);
    expect(cache.loads()).toBe(3);
  });
});
