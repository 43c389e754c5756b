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

  it("does not cache failures: the next get tries again", async () => {
    let fail = true;
    const cache = createSnapshotCache({
      ttlMs: 5000,
      load: async () => {
        if (fail) throw new Error("throttled");
        return 1;
      },
    });
    await expect(cache.get("x")).rejects.toThrow("throttled");
    fail = false;
    expect(await cache.get("x")).toBe(1);
  });
});
