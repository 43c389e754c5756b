// The coalescer on its own: what it sends for a window of callers and what each caller gets back.
// `fetch` here stands for one AWS call and records what it was asked; the adapters' use of it against
// the practice range is in lib/runtime/batched-reads.integration.test.ts.
import { describe, expect, it, vi } from "vitest";
import { isAppError } from "@/lib/domain/app-error";
import { attachBatcher, batcherOf, createReadBatcher, keyedByAsked, reusableRead } from "./batched-reads";
import { inReadTurn, type ReadTurn } from "./read-budget";
import { toAppError } from "./errors";

/** An AWS-like error as the SDK throws it (name and HTTP status). */
function awsError(name: string, status: number): Error {
  return Object.assign(new Error(`${name} raised`), { name, $metadata: { httpStatusCode: status } });
}

/** A call that answers every id it is asked for except those in `missing`, or fails as `fail` says. */
function recorder(opts: { missing?: string[]; fail?: (ids: string[]) => Error | null } = {}) {
  const calls: string[][] = [];
  const fetch = async (ids: string[]): Promise<Map<string, string>> => {
    calls.push([...ids]);
    const err = opts.fail?.(ids) ?? null;
    if (err) throw err;
    return new Map(ids.filter((id) => !opts.missing?.includes(id)).map((id) => [id, `item:${id}`]));
  };
  return { calls, fetch };
}

describe("read batcher", () => {
  it("merges the ids of one window into calls of at most the maximum, without repeats", async () => {
    const batcher = createReadBatcher();
    const { calls, fetch } = recorder();
    const callers = Array.from({ length: 60 }, (_, i) => [`g${i}`, `g${(i + 1) % 60}`]);
    const answers = await Promise.all(callers.map((ids) => batcher.byIds("op", ids, 50, fetch)));
    // 60 distinct names: one call of 50 and one of 10.
    expect(calls.map((c) => c.length)).toEqual([50, 10]);
    expect(new Set(calls.flat()).size).toBe(60);
    answers.forEach((answer, i) => {
      expect([...answer.keys()]).toEqual(callers[i]);
      expect(answer.get(`g${i}`)).toBe(`item:g${i}`);
    });
    expect(batcher.counters).toMatchObject({ requested: 60, flushed: 1 });
  });

  it("keeps different keys (operations, clusters) apart", async () => {
    const batcher = createReadBatcher();
    const a = recorder();
    const b = recorder();
    await Promise.all([
      batcher.byIds("ecs:a", ["s1"], 10, a.fetch),
      batcher.byIds("ecs:b", ["s1"], 10, b.fetch),
      batcher.byIds("ecs:a", ["s2"], 10, a.fetch),
    ]);
    expect(a.calls).toEqual([["s1", "s2"]]);
    expect(b.calls).toEqual([["s1"]]);
  });

  it("gives each caller only its own items; a name that is missing is missing for its caller alone", async () => {
    const batcher = createReadBatcher();
    const { calls, fetch } = recorder({ missing: ["gone"] });
    const [one, two] = await Promise.all([batcher.byIds("op", ["a", "gone"], 50, fetch), batcher.byIds("op", ["b"], 50, fetch)]);
    expect(calls).toHaveLength(1);
    expect([...one.entries()]).toEqual([["a", "item:a"]]);
    expect([...two.entries()]).toEqual([["b", "item:b"]]);
  });

  it("a throttled merged call fails every caller with the throttling error", async () => {
    const batcher = createReadBatcher();
    const { calls, fetch } = recorder({ fail: () => awsError("Throttling", 400) });
    const results = await Promise.allSettled([batcher.byIds("op", ["a"], 50, fetch), batcher.byIds("op", ["b"], 50, fetch)]);
    expect(calls).toEqual([["a", "b"]]);
    for (const r of results) {
      expect(r.status).toBe("rejected");
      if (r.status === "rejected") expect(toAppError(r.reason, "read").code).toBe("throttled");
    }
    expect(batcher.counters.separated).toBe(0);
  });

  it("a merged call refused because of one caller's name is asked again per caller: only that caller fails", async () => {
    const batcher = createReadBatcher();
    // Like ELB's DescribeLoadBalancers: one unknown name fails the whole call.
    const { calls, fetch } = recorder({ fail: (ids) => (ids.includes("bad") ? awsError("LoadBalancerNotFound", 400) : null) });
    const [good, bad, other] = await Promise.allSettled([
      batcher.byIds("op", ["a"], 50, fetch),
      batcher.byIds("op", ["bad"], 50, fetch),
      batcher.byIds("op", ["c"], 50, fetch),
    ]);
    expect(calls[0]).toEqual(["a", "bad", "c"]);
    expect(calls.slice(1).sort()).toEqual([["a"], ["bad"], ["c"]]);
    expect(good.status === "fulfilled" && good.value.get("a")).toBe("item:a");
    expect(other.status === "fulfilled" && other.value.get("c")).toBe("item:c");
    expect(bad.status).toBe("rejected");
    if (bad.status === "rejected") {
      const mapped = toAppError(bad.reason, "DescribeLoadBalancers");
      expect(isAppError(mapped) && mapped.code).toBe("not_found");
    }
    expect(batcher.counters.separated).toBe(3);
  });

  it("a lone caller's failure is its own, with no second call", async () => {
    const batcher = createReadBatcher();
    const { calls, fetch } = recorder({ fail: () => awsError("LoadBalancerNotFound", 400) });
    await expect(batcher.byIds("op", ["x"], 50, fetch)).rejects.toMatchObject({ name: "LoadBalancerNotFound" });
    expect(calls).toEqual([["x"]]);
  });

  it("callers of different windows are not merged", async () => {
    const batcher = createReadBatcher({ windowMs: 0 });
    const { calls, fetch } = recorder();
    await batcher.byIds("op", ["a"], 50, fetch);
    await batcher.byIds("op", ["b"], 50, fetch);
    expect(calls).toEqual([["a"], ["b"]]);
  });

  it("keeps immutable answers for good, shares one load between concurrent callers, forgets a failure, and is bounded", async () => {
    const batcher = createReadBatcher({ immutableEntries: 2 });
    let loads = 0;
    const load = (v: string) => async () => {
      loads++;
      return v;
    };
    expect(await Promise.all([batcher.immutable("td:1", load("v1")), batcher.immutable("td:1", load("v1"))])).toEqual(["v1", "v1"]);
    expect(await batcher.immutable("td:1", load("v1"))).toBe("v1");
    expect(loads).toBe(1);
    await expect(
      batcher.immutable("td:2", async () => {
        loads++;
        throw awsError("Throttling", 400);
      }),
    ).rejects.toMatchObject({ name: "Throttling" });
    expect(await batcher.immutable("td:2", load("v2"))).toBe("v2");
    expect(loads).toBe(3);
    // A third entry pushes out the least recently used one (td:1 was used before td:2).
    await batcher.immutable("td:3", load("v3"));
    await batcher.immutable("td:1", load("v1"));
    expect(loads).toBe(5);
  });

  it("keys a merged answer by what each caller asked, whatever case the answer spells a name in", () => {
    const items = [{ name: "Shop-Blue" }, { name: "shop-green" }];
    const byAsked = keyedByAsked(["shop-blue", "SHOP-GREEN", "gone"], items, (i) => i.name);
    expect([...byAsked.entries()]).toEqual([
      ["shop-blue", { name: "Shop-Blue" }],
      ["SHOP-GREEN", { name: "shop-green" }],
    ]);
    // Alone, the one item answers the one name asked.
    expect(keyedByAsked(["x"], [{ name: "y" }], (i) => i.name).get("x")).toEqual({ name: "y" });
  });
});

describe("peek and keep", () => {
  it("keep holds a value for good, peek finds it without loading, and the oldest go past the size", async () => {
    const batcher = createReadBatcher({ immutableEntries: 2 });
    expect(batcher.peek("a")).toBeUndefined();
    batcher.keep("a", "v1");
    expect(await batcher.peek<string>("a")).toBe("v1");
    expect(batcher.counters.cached).toBe(1);
    let loads = 0;
    expect(await batcher.immutable("a", async () => ++loads)).toBe("v1");
    expect(loads).toBe(0);
    batcher.keep("b", "v2");
    batcher.keep("c", "v3");
    expect(batcher.peek("a")).toBeUndefined();
    expect(await batcher.peek<string>("c")).toBe("v3");
  });
});

describe("recent answers", () => {
  it("takes an answer up to maxAgeMs old, asks again after, keeps no failure and no older answer over a newer", async () => {
    const batcher = createReadBatcher();
    let loads = 0;
    const load = async () => `v${++loads}`;
    expect(await batcher.recent("k", 1_000, 30_000, load)).toEqual({ value: "v1", readAt: 1_000 });
    expect(await batcher.recent("k", 31_000, 30_000, load)).toEqual({ value: "v1", readAt: 1_000 });
    expect(batcher.counters.reused).toBe(1);
    // Older than allowed: asked again, and kept as read now.
    expect(await batcher.recent("k", 31_001, 30_000, load)).toEqual({ value: "v2", readAt: 31_001 });
    // maxAgeMs 0 never takes a held answer.
    expect(await batcher.recent("k", 31_002, 0, load)).toEqual({ value: "v3", readAt: 31_002 });
    // A failed load is thrown and not kept: the last good answer is still the one held.
    await expect(
      batcher.recent("k", 40_000, 0, async () => {
        throw new Error("throttled");
      }),
    ).rejects.toThrow("throttled");
    expect(await batcher.recent("k", 40_000, 30_000, load)).toEqual({ value: "v3", readAt: 31_002 });
    // A load that began before the held answer was read does not replace it.
    expect(await batcher.recent("k", 20_000, 0, async () => "late")).toEqual({ value: "late", readAt: 20_000 });
    expect(await batcher.recent("k", 40_000, 30_000, load)).toEqual({ value: "v3", readAt: 31_002 });
    expect(loads).toBe(3);
  });

  it("reusableRead: only an idle refresh of a page client takes an earlier answer, and its turn says how old", async () => {
    const client = {};
    attachBatcher(client, createReadBatcher());
    let calls = 0;
    const health = () => reusableRead(client, "elbv2:health:tg", async () => [`target-${++calls}`]);
    // An open page's refresh asks AWS, and its answer is held for the idle refreshes after it.
    const watched: ReadTurn = { idle: false, since: 0, reuseHealthMs: 60_000 };
    expect(await inReadTurn(watched, health)).toEqual(["target-1"]);
    expect(await inReadTurn({ idle: false, since: 5_000, reuseHealthMs: 60_000 }, health)).toEqual(["target-2"]);
    const idle: ReadTurn = { idle: true, since: 35_000, reuseHealthMs: 37_500 };
    expect(await inReadTurn(idle, health)).toEqual(["target-2"]);
    expect(idle.reusedFrom).toBe(5_000);
    // The next idle refresh finds it too old and asks again; nothing was taken, so no age is noted.
    const next: ReadTurn = { idle: true, since: 65_000, reuseHealthMs: 37_500 };
    expect(await inReadTurn(next, health)).toEqual(["target-3"]);
    expect(next.reusedFrom).toBeUndefined();
    // Outside a refresh (an operation's reads), or on a client with no batcher: always asked.
    expect(await health()).toEqual(["target-4"]);
    expect(
      await inReadTurn({ idle: true, since: 65_001, reuseHealthMs: 37_500 }, () => reusableRead({}, "elbv2:health:tg", async () => ["plain"])),
    ).toEqual(["plain"]);
    expect(calls).toBe(4);
  });
});

describe("attachBatcher and batcherOf", () => {
  it("find a client's batcher from another copy of this module, as the server's separately bundled parts have", async () => {
    const client = {};
    const batcher = createReadBatcher();
    attachBatcher(client, batcher);
    vi.resetModules();
    const other = await import("./batched-reads");
    expect(other.batcherOf).not.toBe(batcherOf);
    expect(other.batcherOf(client)).toBe(batcher);
    expect(batcherOf({})).toBeUndefined();
  });
});
