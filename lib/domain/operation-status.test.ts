import { describe, expect, it } from "vitest";
import {
  ACTIVE_STATUSES,
  IN_FLIGHT_STATUSES,
  OPERATION_STATUSES,
  RESUMABLE_STATUSES,
  TERMINAL_OPERATION_STATUSES,
  isActiveStatus,
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
