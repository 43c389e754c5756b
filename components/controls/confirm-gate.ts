import type { Color } from "@/lib/domain/basics";
import type { PlanRequest } from "@/components/hooks/use-plan-preview";

// When the confirm dialog's main button may be pressed, and what it says when it may not: one rule
// for every intent, so a refusal that asks for a new plan blocks Confirm the same way everywhere.

/** Why Confirm is disabled, or null when it may be pressed. */
export type ConfirmBlock = "starting" | "planning" | "no-plan" | "reload" | "reason" | "override";

export interface ConfirmGateInput {
  /** The plan was read and AWS can carry it out (not loading, not failed, not refused by the planner). */
  planReady: boolean;
  /** The plan is being read (the first time, or again after "Reload plan"). */
  planFetching: boolean;
  /** The action is on its way to the server. */
  starting: boolean;
  /** The server refused the plan shown as out of date (stale, another operation, green turned worse). */
  mustReload: boolean;
  reason: string;
  /** A worse green needs the typed override, and it is not typed yet. */
  overrideMissing: boolean;
}

/** The first thing that keeps Confirm disabled, in the order a person would fix them. */
export function confirmBlock(input: ConfirmGateInput): ConfirmBlock | null {
  if (input.starting) return "starting";
  // A refused plan stays refused: the same version would be refused again until it is read anew.
  if (input.mustReload && !input.planFetching) return "reload";
  if (input.planFetching) return "planning";
  if (!input.planReady) return "no-plan";
  if (input.reason.trim().length === 0) return "reason";
  if (input.overrideMissing) return "override";
  return null;
}

/** What the dialog's footer says beside a disabled Confirm (null: nothing to add). */
export function confirmHint(block: ConfirmBlock | null): string | null {
  switch (block) {
    case "reload":
      return "This plan is out of date: reload it to confirm.";
    case "planning":
      return "Reading the plan…";
    case "reason":
      return "Give a reason to confirm.";
    case "override":
      return "Type the application id to confirm.";
    case "no-plan":
    case "starting":
    case null:
      return null;
  }
}

/** The green share a shift or promote aims at; null for intents that do not move traffic. */
export function greenTarget(intent: PlanRequest): number | null {
  if (intent.kind === "shift") return intent.greenPercent;
  if (intent.kind === "promote") return 100;
  return null;
}

/** The intent gives green more traffic than it has now: only then does a worse green need the override. */
export function raisesGreen(intent: PlanRequest, fromPercent: number): boolean {
  const target = greenTarget(intent);
  return target !== null && target > fromPercent;
}

/** The title of a shift or promote dialog, from the starting point the plan read. */
export function shiftTitle(fromPercent: number, toPercent: number, versions?: Record<Color, string>): string {
  if (toPercent === 100) return `Promote green: ${versions ? `${versions.blue} → ${versions.green}` : `${fromPercent} % → 100 %`}`;
  return `Shift traffic: green ${fromPercent} % → ${toPercent} %`;
}
