import { describe, expect, it } from "vitest";
import {
  ACTIVE_STATUSES,
  IN_FLIGHT_STATUSES,
  OPERATION_STATUSES,
  RESUMABLE_STATUSES,
  STEP_STATUSES,
  TERMINAL_OPERATION_STATUSES,
  isActiveStatus,
  isCurrentStep,
  isDoneStep,
  isNotRunStep,
  isInFlightStatus,
  isResumableStatus,
  isTerminalStatus,
  operationStatusOf,
  rollbackMustReassert,
} from "./operation-status";

describe("operation status sets", () => {
  it("every status is either in flight or terminal, never both", () => {
    for (const status of OPERATION_STATUSES) {
      expect(isInFlightStatus(status) !== isTerminalStatus(status), status).toBe(true);
    }
  });

  it("active is in flight; an interrupted operation is in flight but holds no live lock", () => {
    for (const s of ACTIVE_STATUSES) expect(isInFlightStatus(s)).toBe(true);
    expect(isActiveStatus("interrupted")).toBe(false);
    expect(isInFlightStatus("interrupted")).toBe(true);
  });

  it("only an interrupted or failed operation resumes", () => {
    expect(OPERATION_STATUSES.filter(isResumableStatus).sort()).toEqual([...RESUMABLE_STATUSES].sort());
    expect(isResumableStatus("preempted")).toBe(false);
    expect(isResumableStatus(null)).toBe(false);
  });

  it("reads stored strings strictly", () => {
    expect(operationStatusOf("running")).toBe("running");
    expect(operationStatusOf("RUNNING")).toBeNull();
    expect([...IN_FLIGHT_STATUSES, ...TERMINAL_OPERATION_STATUSES].sort()).toEqual([...OPERATION_STATUSES].sort());
  });

  it("lets a rollback answer nothing to do only after a clean success (or no operation at all)", () => {
    expect(rollbackMustReassert(undefined)).toBe(false);
    expect(rollbackMustReassert("succeeded")).toBe(false);
    for (const s of OPERATION_STATUSES.filter((x) => x !== "succeeded")) expect(rollbackMustReassert(s), s).toBe(true);
  });
});

describe("step status sets", () => {
  it("every step status is done, current or not run: exactly one of them", () => {
    for (const status of STEP_STATUSES) {
      expect([isDoneStep(status), isCurrentStep(status), isNotRunStep(status)].filter(Boolean), status).toHaveLength(1);
    }
  });

  it("counts a step that never ran because its operation stopped as not run, not as done", () => {
    expect(isDoneStep("skipped")).toBe(false);
    expect(isNotRunStep("skipped")).toBe(true);
    expect(isDoneStep("succeeded")).toBe(true);
    expect(isCurrentStep("failed")).toBe(true);
    expect(isDoneStep(undefined)).toBe(false);
  });
});
