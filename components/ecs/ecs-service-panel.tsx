import type { Color } from "@/lib/domain/basics";
import type { EcsServiceView } from "@/lib/domain/app-state";
import { Panel } from "@/components/ui/panel";
import { Badge } from "@/components/ui/badge";
import { COLOR_NAME, ColorShape } from "@/components/env/color-shape";
import { formatClock } from "@/components/format/format";
import { EcsEventsFeed } from "./ecs-events-feed";
import { orderDeployments, rolloutLook } from "./ecs-look";

interface EcsServicePanelProps {
  service: EcsServiceView;
  /** The colour the service is; null when one service carries both (a rolling update). */
  color: Color | null;
}

/** One ECS service: its deployments with rollout state, the circuit breaker, and the events feed. */
export function EcsServicePanel({ service, color }: EcsServicePanelProps) {
  const headingId = `ecs-${color ?? "service"}-heading`;
  const breaker = service.circuitBreaker;
  return (
    <Panel
      headingId={headingId}
      title={
        <span className="flex items-center gap-1.5">
          {color ? <ColorShape color={color} /> : null}
          {color ? `${COLOR_NAME[color]} ECS service` : "ECS service"}
          <span className="font-mono text-xs font-normal text-slate-600 dark:text-slate-400">{service.service}</span>
        </span>
      }
      meta={`cluster ${service.cluster} · ${service.running}/${service.desired} running${service.pending ? ` · ${service.pending} pending` : ""}`}
      actions={
        <Badge tone={breaker?.enabled ? "success" : "neutral"}>
          <span aria-hidden="true">{breaker?.enabled ? "✓" : "–"}</span>
          {breaker === null
            ? "Circuit breaker unknown"
            : breaker.enabled
              ? `Circuit breaker on${breaker.rollback ? ", rolls back" : ", no rollback"}`
              : "Circuit breaker off"}
        </Badge>
      }
    >
      <div className="space-y-3">
        <div className="overflow-x-auto">
          <table className="w-full text-left text-xs">
            <caption className="sr-only">Deployments of {service.service}</caption>
            <thead className="text-slate-500 dark:text-slate-400">
              <tr className="border-b border-slate-200 dark:border-slate-800">
                <th scope="col" className="py-1.5 pr-2 font-medium">
                  Deployment
                </th>
                <th scope="col" className="py-1.5 pr-2 font-medium">
                  Task definition
                </th>
                <th scope="col" className="py-1.5 pr-2 font-medium">
                  Rollout
                </th>
                <th scope="col" className="py-1.5 pr-2 text-right font-medium">
                  Running
                </th>
                <th scope="col" className="py-1.5 pr-2 text-right font-medium">
                  Pending
                </th>
                <th scope="col" className="py-1.5 pr-2 text-right font-medium">
                  Desired
                </th>
                <th scope="col" className="py-1.5 text-right font-medium">
                  Failed tasks
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800/70">
              {orderDeployments(service.deployments).map((d) => {
                const look = rolloutLook(d.rolloutState);
                return (
                  <tr
                    key={d.id}
                    className={`align-top ${d.status === "INACTIVE" ? "text-slate-500 dark:text-slate-500" : "text-slate-800 dark:text-slate-200"}`}
                  >
                    <td className="py-1.5 pr-2">
                      <span className="font-medium">{d.status}</span>
                      {d.createdAt ? (
                        <span className="block text-[11px] text-slate-500 dark:text-slate-400">since {formatClock(d.createdAt)}</span>
                      ) : null}
                    </td>
                    <td className="py-1.5 pr-2 font-mono text-[11px]">{d.taskDefinition}</td>
                    <td className="py-1.5 pr-2">
                      <Badge tone={look.tone}>
                        <span aria-hidden="true">{look.icon}</span>
                        {look.label}
                      </Badge>
                      {d.rolloutStateReason ? (
                        <span className="mt-0.5 block text-[11px] text-slate-500 dark:text-slate-400">{d.rolloutStateReason}</span>
                      ) : null}
                    </td>
                    <td className="py-1.5 pr-2 text-right tabular-nums">{d.running}</td>
                    <td className="py-1.5 pr-2 text-right tabular-nums">{d.pending}</td>
                    <td className="py-1.5 pr-2 text-right tabular-nums">{d.desired}</td>
                    <td className={`py-1.5 text-right tabular-nums ${d.failed > 0 ? "font-medium text-rose-700 dark:text-rose-400" : ""}`}>
                      {d.failed > 0 ? <span aria-hidden="true">✕ </span> : null}
                      {d.failed}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <div>
          <h3 className="mb-1 text-xs font-semibold text-slate-700 dark:text-slate-300">Events, newest first</h3>
          <EcsEventsFeed events={service.events} label={`${service.service} events`} />
        </div>
      </div>
    </Panel>
  );
}
