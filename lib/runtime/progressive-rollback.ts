import "server-only";
import { AppError } from "@/lib/domain/app-error";
import type { Actor } from "@/lib/domain/operation";
import type { JudgeHalt } from "@/lib/engine";
import { runIntent } from "./plan-service";
import type { Runtime } from "./runtime";

/** Who the audit log names for a rollback the release judge started (no person clicked it). */
export const RELEASE_JUDGE_ACTOR: Actor = { id: "teal:release-judge", email: "release-judge@teal.local", role: "responder" };

/**
 * The automatic rollback of a progressive delivery the judge halted: the same rollback a responder
 * starts (patient reads, preempting, re-asserting blue), with the judge as its actor and the
 * halted operation and step in its reason.
 */
export async function startJudgeRollback(rt: Runtime, halt: JudgeHalt): Promise<{ operationId: string }> {
  const app = rt.app(halt.appId);
  if (!app) throw new AppError("not_found", `There is no application "${halt.appId}" in Teal's config.`);
  const failed = halt.evidence.metrics.filter((m) => m.verdict === "fail").map((m) => m.name);
  return runIntent(rt, app, {
    intent: { kind: "rollback" },
    actor: RELEASE_JUDGE_ACTOR,
    reason: `Automatic rollback: the release judge failed green at ${halt.greenPercent} % on ${failed.join(" and ") || "its metrics"} (progressive delivery ${halt.operationId})`,
    patient: true,
    preempt: true,
  });
}
