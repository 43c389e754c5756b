// A refusal thrown by the runtime reaches the user as what it is. The runtime (engine, store,
// snapshots) is started from instrumentation.ts and bundled apart from the server actions and
// routes, so its AppError is another class than theirs; a second copy of lib/domain/app-error stands
// for it here. Its refusals must keep their code and message, not become "internal".
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { setSessionSourceForTests } from "@/lib/auth/session";
import { toAppError } from "@/lib/aws/errors";
import { AppError } from "@/lib/domain/app-error";
import { errorResponse } from "@/lib/http/route";
import { runAction } from "./run-action";

const LOCKED = "Another operation is running on shop: shift to 25 % by operator@example.com (running).";
let OtherAppError: typeof AppError;

beforeAll(async () => {
  vi.resetModules();
  OtherAppError = (await import("@/lib/domain/app-error")).AppError;
  setSessionSourceForTests(async () => ({
    user: { id: "u-admin", email: "admin@example.com", role: "admin" },
    expires: new Date(Date.now() + 3_600_000).toISOString(),
  }));
});

afterAll(() => setSessionSourceForTests(undefined));

describe("refusals from the runtime's bundle", () => {
  it("are two different classes, as in the built server", () => {
    expect(new OtherAppError("conflict", LOCKED)).not.toBeInstanceOf(AppError);
  });

  it("a server action answers the refusal's code and message", async () => {
    const result = await runAction("shift", z.object({}), {}, async () => {
      throw new OtherAppError("conflict", LOCKED, "lock held by op-1");
    });
    expect(result).toEqual({ ok: false, code: "conflict", message: LOCKED });
  });

  it("an unexpected error is still internal, with no detail", async () => {
    const result = await runAction("shift", z.object({}), {}, async () => {
      throw new Error("database is locked at /var/lib/teal.db");
    });
    expect(result).toEqual({ ok: false, code: "internal", message: expect.not.stringContaining("database") });
  });

  it("a route answers the refusal's status, code and message", async () => {
    const res = errorResponse(new OtherAppError("conflict", LOCKED));
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ error: { code: "conflict", message: LOCKED } });
    expect(errorResponse(new OtherAppError("not_found", "No such operation.")).status).toBe(404);
  });

  it("lib/aws keeps such an error as it is instead of wrapping it as an AWS failure", () => {
    const original = new OtherAppError("stale", "The state changed.");
    expect(toAppError(original, "ChangeResourceRecordSets")).toBe(original);
  });
});
