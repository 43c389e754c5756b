import type { OperationStatus, StepStatus } from "@/lib/domain/operation-status";
import { isActiveStatus, operationStatusOf } from "@/lib/domain/operation-status";

export type Tone = "neutral" | "info" | "success" | "warning" | "danger";

export interface StatusLook {
  label: string;
  tone: Tone;
  /** A glyph so status is never told by colour alone. */
  icon: string;
}

const UNKNOWN: StatusLook = { label: "Unknown", tone: "neutral", icon: "?" };

const OPERATION: Record<OperationStatus, StatusLook> = {
  pending: { label: "Pending", tone: "neutral", icon: "○" },
  running: { label: "Running", tone: "info", icon: "◔" },
  succeeded: { label: "Succeeded", tone: "success", icon: "✓" },
  failed: { label: "Failed", tone: "danger", icon: "✕" },
  aborted: { label: "Aborted", tone: "warning", icon: "■" },
  preempted: { label: "Preempted", tone: "warning", icon: "⤼" },
  interrupted: { label: "Interrupted", tone: "warning", icon: "!" },
};

const STEP: Record<StepStatus, StatusLook> = {
  pending: { label: "Pending", tone: "neutral", icon: "○" },
  running: { label: "Running", tone: "info", icon: "◔" },
  succeeded: { label: "Done", tone: "success", icon: "✓" },
  failed: { label: "Failed", tone: "danger", icon: "✕" },
  skipped: { label: "Skipped", tone: "neutral", icon: "–" },
};

/** Closed mapping with an explicit unknown case: a status added on the server still renders. */
export function operationStatusLook(status: string): StatusLook {
  return (OPERATION as Record<string, StatusLook | undefined>)[status] ?? UNKNOWN;
}

export function stepStatusLook(status: string): StatusLook {
  return (STEP as Record<string, StatusLook | undefined>)[status] ?? UNKNOWN;
}

/** Tailwind classes per tone, for badges. */
export const TONE_CLASSES: Record<Tone, string> = {
  neutral: "bg-slate-100 text-slate-700 ring-slate-300 dark:bg-slate-800 dark:text-slate-300 dark:ring-slate-700",
  info: "bg-sky-50 text-sky-800 ring-sky-300 dark:bg-sky-950 dark:text-sky-200 dark:ring-sky-800",
  success: "bg-emerald-50 text-emerald-800 ring-emerald-300 dark:bg-emerald-950 dark:text-emerald-200 dark:ring-emerald-800",
  warning: "bg-amber-50 text-amber-900 ring-amber-300 dark:bg-amber-950 dark:text-amber-200 dark:ring-amber-800",
  danger: "bg-rose-50 text-rose-800 ring-rose-300 dark:bg-rose-950 dark:text-rose-200 dark:ring-rose-800",
};

/** How a journaled step looks inside its operation, and whether its glyph spins. */
export interface StepLook {
  look: StatusLook;
  spinning: boolean;
}

const IN_FLIGHT_INTERRUPTED: StatusLook = { label: "Interrupted", tone: "warning", icon: "!" };
const IN_FLIGHT_STOPPED: StatusLook = { label: "Stopped", tone: "warning", icon: "■" };

/**
 * A step journaled `running` is running only while its operation is: when the server died (the
 * operation is interrupted) or the operation ended without the step's outcome being written, it
 * was in flight and shows so, without a spinner.
 */
export function stepLookIn(operationStatus: string, stepStatus: string): StepLook {
  if (stepStatus !== "running") return { look: stepStatusLook(stepStatus), spinning: false };
  if (isActiveStatus(operationStatusOf(operationStatus))) return { look: stepStatusLook(stepStatus), spinning: true };
  return { look: operationStatus === "interrupted" ? IN_FLIGHT_INTERRUPTED : IN_FLIGHT_STOPPED, spinning: false };
}
