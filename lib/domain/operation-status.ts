// The statuses of an operation and the named sets every layer uses: one list, so the engine, the
// store, the pages and the wall cannot drift apart on what "active" or "resumable" means.

export const OPERATION_STATUSES = ["pending", "running", "succeeded", "failed", "aborted", "preempted", "interrupted"] as const;
export type OperationStatus = (typeof OPERATION_STATUSES)[number];

export const STEP_STATUSES = ["pending", "running", "succeeded", "failed", "skipped"] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/** Running in a live server now: holds the application's lock. */
export const ACTIVE_STATUSES = ["pending", "running"] as const satisfies readonly OperationStatus[];

/**
 * Not finished: active, or interrupted by a server that stopped (recovery resumes it, a rollback
 * preempts it). Drift is not judged and the wall shows the operation while it is in flight.
 */
export const IN_FLIGHT_STATUSES = ["pending", "running", "interrupted"] as const satisfies readonly OperationStatus[];

/** Can be resumed from the step that was running or failed. */
export const RESUMABLE_STATUSES = ["interrupted", "failed"] as const satisfies readonly OperationStatus[];

/** Finished for good: no step will run again. */
export const TERMINAL_OPERATION_STATUSES = ["succeeded", "failed", "aborted", "preempted"] as const satisfies readonly OperationStatus[];

/** Ended without doing all it set out to do. */
export const UNSUCCESSFUL_STATUSES = ["failed", "aborted", "preempted", "interrupted"] as const satisfies readonly OperationStatus[];

/**
 * A step whose effect is in place. (A step whose effect was already there when it came to run also
 * ends `succeeded`, with a note; `skipped` is a step that never ran because its operation stopped
 * before it.)
 */
export const DONE_STEP_STATUSES = ["succeeded"] as const satisfies readonly StepStatus[];
/** A step that has not run: not yet, or never (its operation stopped before it). */
export const NOT_RUN_STEP_STATUSES = ["pending", "skipped"] as const satisfies readonly StepStatus[];
/** A step under way, or the one that stopped its operation: what a summary of the operation points at. */
export const CURRENT_STEP_STATUSES = ["running", "failed"] as const satisfies readonly StepStatus[];

function withinSteps<S extends StepStatus>(set: readonly S[]) {
  return (status: StepStatus | null | undefined): status is S =>
    status !== null && status !== undefined && (set as readonly StepStatus[]).includes(status);
}

export const isDoneStep = withinSteps(DONE_STEP_STATUSES);
export const isCurrentStep = withinSteps(CURRENT_STEP_STATUSES);
export const isNotRunStep = withinSteps(NOT_RUN_STEP_STATUSES);

function within<S extends OperationStatus>(set: readonly S[]) {
  return (status: OperationStatus | null | undefined): status is S =>
    status !== null && status !== undefined && (set as readonly OperationStatus[]).includes(status);
}

export const isActiveStatus = within(ACTIVE_STATUSES);
export const isInFlightStatus = within(IN_FLIGHT_STATUSES);
export const isResumableStatus = within(RESUMABLE_STATUSES);
export const isTerminalStatus = within(TERMINAL_OPERATION_STATUSES);
export const isUnsuccessfulStatus = within(UNSUCCESSFUL_STATUSES);

/** Narrows a stored string to a status, or null. */
export function operationStatusOf(value: string): OperationStatus | null {
  return OPERATION_STATUSES.find((s) => s === value) ?? null;
}

/**
 * Whether a rollback must make its calls even when AWS already reads as its end state: the
 * application's latest operation did not end cleanly (it runs, waits to be resumed, failed, was
 * aborted or preempted), so one of its calls may still land or its outcome was never confirmed.
 * Only after a succeeded operation (or none) is "already on blue — nothing to do" an answer.
 */
export function rollbackMustReassert(latest: OperationStatus | null | undefined): boolean {
  return latest !== null && latest !== undefined && latest !== "succeeded";
}
