/** Stores as a server reaches them, for tests of servers that die or crawl (tests only). */
import type { Store } from "@/lib/store/store";

/**
 * The store as a server sees it, until the server dies: from then on nothing it sends reaches the
 * database (a dead process writes nothing, renews nothing, releases nothing).
 */
export function mortal(store: Store): { store: Store; die(): void } {
  let dead = false;
  const proxy = new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      const method = value as (...args: unknown[]) => unknown;
      return (...args: unknown[]) => (dead ? Promise.reject(new Error("the server is gone")) : method.apply(target, args));
    },
  });
  return {
    store: proxy,
    die: () => {
      dead = true;
    },
  };
}

/**
 * The store with each of the named methods taking `delay()` to reach the database: the call is
 * made with its arguments as they were when sent (a lease renewal computed its expiry then).
 */
export function slowed(store: Store, methods: readonly (keyof Store)[], delay: () => Promise<void>): Store {
  const slow = new Set<PropertyKey>(methods);
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      const method = value as (...args: unknown[]) => unknown;
      if (!slow.has(prop)) return method.bind(target);
      return async (...args: unknown[]) => {
        await delay();
        return method.apply(target, args);
      };
    },
  });
}
