import type { AppState } from "@/lib/domain/app-state";
import { rolloutPercent } from "@/lib/domain/figures";
import { Panel } from "@/components/ui/panel";
import { Badge } from "@/components/ui/badge";
import { Notice } from "@/components/ui/notice";
import { rolloutLook } from "@/components/ecs/ecs-look";

type Rollout = NonNullable<AppState["rollout"]>;

/** ecs-rolling: the rollout replaces the traffic split: its state, how far it got, and from what to what. */
export function RolloutPanel({ rollout }: { rollout: Rollout }) {
  const look = rolloutLook(rollout.state);
  const progress = rolloutPercent(rollout);
  const breaker = rollout.circuitBreakerRollback;
  return (
    <Panel
      title="Rollout"
      headingId="rollout-heading"
      actions={
        <Badge tone={look.tone}>
          <span aria-hidden="true" className={rollout.state === "IN_PROGRESS" ? "inline-block motion-safe:animate-spin" : undefined}>
            {look.icon}
          </span>
          {look.label}
        </Badge>
      }
    >
      <div className="space-y-3">
        <div>
          <div className="mb-1 flex items-baseline justify-between text-xs text-slate-600 dark:text-slate-400">
            <span id="rollout-progress-label">Running tasks on the primary revision</span>
            <span className="text-base font-semibold text-slate-900 tabular-nums dark:text-slate-100">{progress} %</span>
          </div>
          <div
            role="progressbar"
            aria-labelledby="rollout-progress-label"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={progress}
            aria-valuetext={`${progress} % of running tasks on ${rollout.primaryTaskDefinition}`}
            className="h-2.5 overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800"
          >
            <div className="h-full rounded-full bg-greenenv dark:bg-emerald-500" style={{ width: `${progress}%` }} />
          </div>
        </div>
        <dl className="grid grid-cols-[9rem_1fr] gap-x-3 gap-y-1 text-sm">
          <dt className="text-slate-500 dark:text-slate-400">Primary</dt>
          <dd className="font-mono text-[13px] font-medium text-slate-900 dark:text-slate-100">{rollout.primaryTaskDefinition}</dd>
          <dt className="text-slate-500 dark:text-slate-400">Previous (rollback)</dt>
          <dd className="font-mono text-[13px] text-slate-700 dark:text-slate-300">{rollout.previousTaskDefinition ?? "none known"}</dd>
        </dl>
        {breaker ? (
          <Notice tone="warning" title={`Circuit breaker rolled back ${breaker.failedTaskDefinition}`}>
            ECS went back to {breaker.rolledBackTo}
            {breaker.reason ? `: ${breaker.reason}` : "."}
          </Notice>
        ) : null}
      </div>
    </Panel>
  );
}
