/**
 * A signed-in user's refused server action leaves an `action.refused` audit entry naming the
 * capability and the refusal, never the input; a caller who is not signed in leaves none.
 */

import type { Session } from "next-auth";
import { z } from "zod";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AppError } from "@/lib/domain/app-error";
import { openTestStore, type TestStore } from "@/test/support/store";

const ctx = vi.hoisted(() => ({ session: null as Session | null, store: null as unknown }));

vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => ctx.session,
}));
vi.mock("@/lib/store", () => ({ getStore: async () => ctx.store }));

const session = (role: "viewer" | "operator"): Session => ({
  expires: "2099-01-01T00:00:00.000Z",
  user: { id: `demo:${role}`, email: `${role}@example.com`, role },
});
const schema = z.object({ appId: z.string().regex(/^[a-z-]+$/), greenPercent: z.number().int().min(0).max(100) }).strict();
const HOSTILE = "<script>steal('secret-value-42')</script>";

let t: TestStore;

beforeEach(async () => {
  t = await openTestStore("sqlite");
  ctx.store = t.store;
  ctx.session = null;
});

afterEach(async () => {
  await t.cleanup();
});

describe("refused actions are audited", () => {
  it("audits forbidden, invalid and conflict refusals of signed-in users, without their input", async () => {
    const { runAction } = await import("./run-action");
    const handler = vi.fn(async () => {
      throw new AppError("conflict", "Another operation holds shop.");
    });

    ctx.session = session("viewer");
    expect(await runAction("shift", schema, { appId: "shop", greenPercent: 25 }, handler)).toMatchObject({ ok: false, code: "forbidden" });
    ctx.session = session("operator");
    expect(await runAction("shift", schema, { appId: HOSTILE, greenPercent: 25 }, handler)).toMatchObject({ ok: false, code: "invalid" });
    expect(await runAction("shift", schema, { appId: "shop", greenPercent: 25 }, handler)).toMatchObject({ ok: false, code: "conflict" });
    expect(handler).toHaveBeenCalledTimes(1);

    const audit = (await t.store.listAudit()).reverse();
    expect(audit.map((r) => [r.action, r.actor?.email, r.reason, r.after])).toEqual([
      ["action.refused", "viewer@example.com", "forbidden", { capability: "shift", code: "forbidden" }],
      ["action.refused", "operator@example.com", "invalid", { capability: "shift", code: "invalid" }],
      ["action.refused", "operator@example.com", "conflict", { capability: "shift", code: "conflict" }],
    ]);
    expect(JSON.stringify(audit)).not.toContain("secret-value-42");
    expect(await t.store.verifyAudit()).toEqual({ ok: true, count: 3 });
  });

  it("audits nothing for a caller who is not signed in, nor for an action that succeeds", async () => {
    const { runAction } = await import("./run-action");
    expect(await runAction("shift", schema, { appId: "shop", greenPercent: 25 }, async () => 1)).toMatchObject({
      ok: false,
      code: "unauthenticated",
    });
    ctx.session = session("operator");
    expect(await runAction("shift", schema, { appId: "shop", greenPercent: 25 }, async () => 1)).toEqual({ ok: true, data: 1 });
    expect(await t.store.listAudit()).toEqual([]);
  });
});
