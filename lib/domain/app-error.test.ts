// isAppError recognises Teal's errors by their brand, so an AppError thrown by a second copy of
// this module (the runtime started from instrumentation.ts is bundled apart from the server
// actions) is still one, and nothing else passes for one: not a plain Error, not a lookalike
// object from JSON, not a branded object with a code Teal does not have.
import { describe, expect, it, vi } from "vitest";
import { AppError, isAppError } from "./app-error";

async function secondCopy(): Promise<typeof import("./app-error")> {
  vi.resetModules();
  return import("./app-error");
}

describe("isAppError", () => {
  it("recognises an AppError of this module and of a second copy of it, where instanceof fails", async () => {
    const here = new AppError("conflict", "Another operation is running on shop.");
    expect(isAppError(here)).toBe(true);
    const other = await secondCopy();
    expect(other.AppError).not.toBe(AppError);
    const there = new other.AppError("conflict", "Another operation is running on shop.", "internal detail", { transient: true });
    expect(there).not.toBeInstanceOf(AppError);
    expect(isAppError(there)).toBe(true);
    expect(other.isAppError(here)).toBe(true);
    if (!isAppError(there)) throw new Error("unreachable");
    expect([there.code, there.userMessage, there.transient]).toEqual(["conflict", "Another operation is running on shop.", true]);
  });

  it("rejects everything that is not one of Teal's errors", () => {
    const brand = Symbol.for("teal.AppError");
    const lookalike = JSON.parse('{"name":"AppError","code":"conflict","userMessage":"x","transient":false}');
    const renamed = Object.assign(new Error("x"), { name: "AppError", code: "conflict", userMessage: "x", transient: false });
    const unknownCode = Object.assign(new Error("x"), { [brand]: true, code: "teapot", userMessage: "x", transient: false });
    const noMessage = Object.assign(new Error("x"), { [brand]: true, code: "conflict", transient: false });
    const brandNotTrue = Object.assign(new Error("x"), { [brand]: "yes", code: "conflict", userMessage: "x", transient: false });
    for (const value of [undefined, null, "conflict", 42, {}, new Error("conflict"), lookalike, renamed, unknownCode, noMessage, brandNotTrue]) {
      expect(isAppError(value), String(value)).toBe(false);
    }
  });
});
