/**
 * What the wall shows beyond the overview summary: the step an operation is on and the alarms a
 * person across the room must notice. Pure: the wall route feeds it the snapshot's state.
 */

import { COLORS } from "@/lib/domain/basics";
import type { AppState, Drift } from "@/lib/domain/app-state";
import type { Operation } from "@/lib/domain/operation";
import type { WallAlarm, WallOperation } from "@/lib/domain/wall";
import { colorHealth } from "./health";
import { healthFigure } from "@/lib/domain/figures";
import { isCurrentStep, isInFlightStatus } from "@/lib/domain/operation-status";

/** The operation as the wall shows it, or null when it is finished (the wall shows only live work). */
export function wallOperation(op: Operation | null): WallOperation | null {
  if (!op || !isInFlightStatus(op.status)) return null;
  const steps = op.steps.length;
  const current = op.steps.find((s) => isCurrentStep(s.status)) ?? op.steps.find((s) => s.status === "pending") ?? op.steps[steps - 1];
  return {
    id: op.id,
    status: op.status,
    summary: op.summary,
    actorEmail: op.actor.email,
    step: current ? current.index + 1 : 0,
    steps,
    stepTitle: current?.title ?? null,
  };
}

const NAME = { blue: "Blue", green: "Green" } as const;

/**
 * Alarms, most severe first: a colour that carries traffic and has no healthy capacity, unhealthy
 * instances, an ECS circuit-breaker rollback, an operation interrupted or failed and not yet
 * followed by another one, state Teal could not read, and AWS configured otherwise than Teal's last
 * successful operation left it (drift).
 */
export function wallAlarms(input: {
  state: AppState | null;
  readError: string | null;
  lastOperation: Operation | null;
  drift?: Drift | null;
}): WallAlarm[] {
  const alarms: WallAlarm[] = [];
  const { state, readError, lastOperation, drift } = input;
  if (readError !== null) alarms.push({ id: "unreadable", severity: "critical", text: `State unreadable: ${readError}` });
  if (state) {
    const green = state.configured.greenPercent;
    for (const color of COLORS) {
      const env = state.environments[color];
      const share = color === "green" ? green : 100 - green;
      const health = colorHealth(env);
      // The colour's health as the overview and the app page say it (lib/domain/figures): an ECS
      // service short of its desired tasks is degraded though every running task is healthy.
      const figure = healthFigure(state, color);
      // Starting, draining or standby capacity is a planned transition (a rollback step attaching
      // blue again), not an outage: only a colour with traffic and nothing serving or on its way is.
      const nothingComing = health.healthy === 0 && health.starting === 0 && health.leaving === 0 && health.standby === 0;
      if (share > 0 && nothingComing) {
        const total = health.total;
        alarms.push({
          id: `${color}-down`,
          severity: "critical",
          text: `${NAME[color]} takes ${share} % of traffic with no healthy ${total === 1 ? "target" : "targets"} (0 of ${total})`,
        });
      } else if (health.unhealthy > 0 || figure.tone === "warning") {
        alarms.push({ id: `${color}-degraded`, severity: "warning", text: `${NAME[color]}: ${figure.text}` });
      }
    }
    const breaker = state.rollout?.circuitBreakerRollback;
    if (breaker) {
      alarms.push({
        id: "circuit-breaker",
        severity: "critical",
        text: `ECS rolled back ${breaker.failedTaskDefinition} to ${breaker.rolledBackTo}`,
      });
    }
  }
  if (drift) alarms.push({ id: "drift", severity: "warning", text: `AWS differs from Teal's last operation: ${drift.text}` });
  if (lastOperation?.status === "interrupted") {
    alarms.push({ id: "operation-interrupted", severity: "critical", text: `Interrupted: ${lastOperation.summary} (resume or roll back)` });
  } else if (lastOperation?.status === "failed") {
    alarms.push({ id: "operation-failed", severity: "warning", text: `Last operation failed: ${lastOperation.summary}` });
  }
  return alarms.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "critical" ? -1 : 1));
}
