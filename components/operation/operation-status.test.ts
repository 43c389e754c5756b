import { describe, expect, it } from "vitest";
import { operationStatusLook, stepLookIn, stepStatusLook } from "./operation-status";

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

describe("stepLookIn", () => {
  it("spins a running step only while its operation runs", () => {
    expect(stepLookIn("running", "running")).toEqual({ look: stepStatusLook("running"), spinning: true });
    expect(stepLookIn("pending", "running").spinning).toBe(true);
  });
  it("shows the in-flight step of an interrupted operation as interrupted, not running", () => {
    expect(stepLookIn("interrupted", "running")).toEqual({ look: { label: "Interrupted", tone: "warning", icon: "!" }, spinning: false });
  });
  it("shows a step left running by an operation that ended as stopped", () => {
    for (const status of ["preempted", "aborted", "failed", "succeeded"]) {
      expect(stepLookIn(status, "running"), status).toEqual({ look: { label: "Stopped", tone: "warning", icon: "■" }, spinning: false });
    }
  });
  it("leaves other steps as journaled", () => {
    expect(stepLookIn("interrupted", "succeeded")).toEqual({ look: stepStatusLook("succeeded"), spinning: false });
    expect(stepLookIn("interrupted", "pending")).toEqual({ look: stepStatusLook("pending"), spinning: false });
  });
});
