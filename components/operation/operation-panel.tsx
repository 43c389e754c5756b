"use client";

import type { Operation } from "@/lib/domain/operation";
import type { TrafficSettle } from "@/lib/domain/traffic-settle";
import { Panel } from "@/components/ui/panel";
import { Badge } from "@/components/ui/badge";
import { formatClock, formatElapsed } from "@/components/format/format";
import { ROLE_LABEL } from "@/components/controls/permissions";
import { isActiveStatus, isNotRunStep } from "@/lib/domain/operation-status";
import { operationStatusLook, stepLookIn } from "./operation-status";
import { StatusIcon } from "./status-icon";
import { AbortControl } from "./abort-control";
import { SettleBadge, SettleSection } from "./settle-section";
import { DeliverySection } from "./delivery-section";
import { deliveryView } from "./delivery-view";

interface OperationPanelProps {
  appId: string;
  operation: Operation | null;
  /** The snapshot's time: running durations are measured to it, so the panel stays a pure render. */
  nowIso: string;
  canAbort: boolean;
  onAborted: () => void;
  /**
   * Whether traffic has followed the operation since its calls ended (draining, then settled); null
   * or absent when it has no such phase. The operation's own status stays what Teal did with AWS.
   */
  settle?: TrafficSettle | null;
}

/** The current (or last) operation: who, why, and each step with its status and timing. */
export function OperationPanel({ appId, operation, nowIso, canAbort, onAborted, settle = null }: OperationPanelProps) {
  if (!operation) {
    return (
      <Panel title="Operation" headingId="operation-heading">
        <p className="text-sm text-slate-500 dark:text-slate-400">No operation has run on this application yet.</p>
      </Panel>
    );
  }
  const look = operationStatusLook(operation.status);
  const active = isActiveStatus(operation.status);
  const delivery = deliveryView(operation);
  return (
    <Panel
      title={active ? "Current operation" : "Last operation"}
      headingId="operation-heading"
      meta={
        <span className="font-mono" title="Operation id (audit log)">
          {operation.id}
        </span>
      }
      actions={
        <span className="flex items-center gap-1.5">
          <Badge tone={look.tone}>
            <span aria-hidden="true" className={active ? "inline-block motion-safe:animate-spin" : undefined}>
              {look.icon}
            </span>
            {look.label}
          </Badge>
          {settle ? <SettleBadge settle={settle} nowIso={nowIso} /> : null}
        </span>
      }
    >
      <div className="space-y-3">
        <div>
          <p className="text-sm font-medium text-slate-900 dark:text-slate-100">{operation.summary}</p>
          <dl className="mt-1.5 grid grid-cols-[4.5rem_1fr] gap-x-2 gap-y-0.5 text-xs">
            <dt className="text-slate-500 dark:text-slate-400">By</dt>
            <dd className="truncate text-slate-700 dark:text-slate-300">
              {operation.actor.email} <span className="text-slate-500 dark:text-slate-400">({ROLE_LABEL[operation.actor.role]})</span>
            </dd>
            <dt className="text-slate-500 dark:text-slate-400">Why</dt>
            <dd className="text-slate-700 dark:text-slate-300">{operation.reason || <span className="text-slate-400">No reason given</span>}</dd>
            <dt className="text-slate-500 dark:text-slate-400">Started</dt>
            <dd className="tabular-nums text-slate-700 dark:text-slate-300">
              {formatClock(operation.startedAt ?? operation.createdAt)}
              <span className="text-slate-500 dark:text-slate-400">
                {" "}
                · {formatElapsed(operation.startedAt ?? operation.createdAt, operation.finishedAt, nowIso)}
                {active ? " so far" : ""}
              </span>
            </dd>
          </dl>
        </div>

        {settle ? <SettleSection settle={settle} nowIso={nowIso} /> : null}

        {delivery ? <DeliverySection view={delivery} /> : null}

        {operation.error ? (
          <p className="rounded border border-rose-200 bg-rose-50 px-2 py-1.5 text-xs text-rose-800 dark:border-rose-900 dark:bg-rose-950/50 dark:text-rose-200">
            {operation.error}
          </p>
        ) : null}
        {operation.status === "interrupted" ? (
          <p className="rounded border border-amber-200 bg-amber-50 px-2 py-1.5 text-xs text-amber-900 dark:border-amber-900 dark:bg-amber-950/50 dark:text-amber-200">
            The server stopped while this operation ran. Check the state below, then roll back or shift again.
          </p>
        ) : null}

        <ol className="space-y-1.5" aria-label="Operation steps">
          {operation.steps.map((step) => {
            const { look: stepLook, spinning } = stepLookIn(operation.status, step.status);
            const inFlight = step.status === "running" && !spinning;
            return (
              <li key={step.id} className="flex gap-2.5">
                <StatusIcon look={stepLook} spinning={spinning} />
                <div className="min-w-0 flex-1">
                  <div className="flex items-baseline justify-between gap-2">
                    <span
                      className={`text-sm ${isNotRunStep(step.status) ? "text-slate-500 dark:text-slate-400" : "text-slate-900 dark:text-slate-100"}`}
                    >
                      {step.title}
                    </span>
                    <span className="shrink-0 text-xs tabular-nums text-slate-500 dark:text-slate-400">
                      {step.startedAt ? formatElapsed(step.startedAt, step.finishedAt, nowIso) : ""}
                    </span>
                  </div>
                  {step.call ? (
                    <p className="font-mono text-[11px] text-slate-500 dark:text-slate-400">
                      {step.call.service} · {step.call.operation}
                    </p>
                  ) : null}
                  {inFlight ? (
                    <p className="mt-0.5 text-xs text-amber-800 dark:text-amber-200">
                      {stepLook.label}: in flight when it stopped; its outcome was never recorded.
                    </p>
                  ) : null}
                  {step.error ? <p className="mt-0.5 text-xs text-rose-700 dark:text-rose-300">{step.error}</p> : null}
                </div>
              </li>
            );
          })}
        </ol>

        {active && canAbort ? <AbortControl appId={appId} operationId={operation.id} onAborted={onAborted} /> : null}
      </div>
    </Panel>
  );
}
