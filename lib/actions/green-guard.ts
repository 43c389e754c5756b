import "server-only";
import { AppError, isAppError } from "@/lib/domain/app-error";
import type { AppState } from "@/lib/domain/app-state";
import type { Intent } from "@/lib/domain/intent";
import { isGreenWorse, windowLabel, type GreenVerdict } from "@/lib/domain/green-verdict";
import type { AppConfig } from "@/lib/config/schema";
import { getSnapshotService } from "@/lib/runtime/snapshots";
import type { Runtime } from "@/lib/runtime/runtime";
import { logger } from "@/lib/telemetry/log";

/** Refused because green is worse than blue: the same request with the typed override goes through. */
export class GreenOverrideRequired extends AppError {
  readonly overrideRequired = true;
}

/** The intent gives green more traffic than it has now (a promote always does). */
export function raisesGreen(intent: Intent, state: AppState): boolean {
  if (intent.kind === "promote") return true;
  return intent.kind === "shift" && intent.greenPercent > state.configured.greenPercent;
}

/** Green against blue now, as the screens show it (the shared snapshot, at most one refresh interval old). */
export async function currentGreenVerdict(rt: Runtime, appId: string): Promise<GreenVerdict> {
  return (await getSnapshotService(rt).snapshot(appId, 60)).greenVerdict;
}

/**
 * The same, or null when CloudWatch could not be read: Teal cannot say green is worse, so it does not
 * block (the state read of the plan itself has just succeeded; a shift never waits on metrics alone).
 */
export async function greenVerdictOrNull(rt: Runtime, appId: string): Promise<GreenVerdict | null> {
  try {
    return await currentGreenVerdict(rt, appId);
  } catch (err) {
    logger.warn("green_verdict.unavailable", { appId, error: isAppError(err) ? err.userMessage : err });
    return null;
  }
}

function verdictText(v: GreenVerdict): string {
  const window = windowLabel(v);
  return `${v.label}: ${v.figures}${window ? ` (${window})` : ""}`;
}

/**
 * Judges green again on the server before more traffic goes to it. When green is worse than blue
 * (failing or slower), the person must have typed the application's id as an override; the
 * refusal says why with the figures. Returns the note the audit must keep when the override was
 * used, else null.
 */
export async function checkGreenBeforeRaising(
  rt: Runtime,
  app: AppConfig,
  state: AppState,
  intent: Intent,
  override: string | undefined,
): Promise<string | null> {
  if (!raisesGreen(intent, state)) return null;
  const verdict = await greenVerdictOrNull(rt, app.id);
  if (verdict === null || !isGreenWorse(verdict)) return null;
  const what = intent.kind === "promote" ? "Promoting green" : "Shifting more traffic to green";
  if (override?.trim() !== app.id) {
    throw new GreenOverrideRequired(
      "conflict",
      `${verdictText(verdict)}. ${what} needs an override: type the application id "${app.id}" to confirm. The override is recorded in the audit log.`,
    );
  }
  return `Override: ${verdictText(verdict)}; ${what.toLowerCase()} anyway.`;
}
