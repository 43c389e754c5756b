import "server-only";
import type { Actor } from "@/lib/domain/operation";
import { appOrThrow } from "@/lib/runtime/plan-service";
import { signalProgressive, type ProgressiveSignalKind } from "@/lib/runtime/progressive-signals";
import { getSnapshotService } from "@/lib/runtime/snapshots";
import { operationOf } from "./operation-service";

/**
 * Holds, continues or approves a running progressive delivery (what the REST API's
 * `/api/v1/operations/{id}/hold|continue|approve` run once the caller is authorized): one audit
 * record the engine running it reads at its next poll.
 */
export async function signalAs(
  actor: Actor,
  appId: string,
  operationId: string,
  kind: ProgressiveSignalKind,
  reason?: string,
): Promise<{ trafficStep: number; step: string }> {
  const { rt, app } = await appOrThrow(appId);
  const op = await operationOf(rt, app.id, operationId);
  const signal = await signalProgressive(rt.store, op.id, kind, actor, reason);
  getSnapshotService(rt).invalidate(app.id);
  return { trafficStep: signal.trafficStep, step: signal.step };
}
