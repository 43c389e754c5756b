import { describe, expect, it } from "vitest";
import { operationStatusLook, stepStatusLook } from "./operation-status";

describe("operationStatusLook", () => {
  it("maps each status to a label, a tone and a glyph", () => {
    expect(operationStatusLook("running")).toEqual({ label: "Running", tone: "info", icon: "◔" });
    expect(operationStatusLook("failed").tone).toBe("danger");
    expect(operationStatusLook("interrupted").tone).toBe("warning");
  });
  it("falls back to unknown for a status it does not know", () => {
    expect(operationStatusLook("exploded").label).toBe("Unknown");
  });
});

describe("stepStatusLook", () => {
  it("maps step statuses and unknown ones", () => {
    expect(stepStatusLook("succeeded").icon).toBe("✓");
    expect(stepStatusLook("skipped").label).toBe("Skipped");
    expect(stepStatusLook("nope").label).toBe("Unknown");
  });
});
