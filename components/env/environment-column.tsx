import type { ReactNode } from "react";
import type { EnvironmentState, LoadBalancerView } from "@/lib/domain/app-state";
import type { KeptWarm } from "@/lib/domain/kept-warm";
import type { HealthFigure } from "@/lib/domain/figures";
import { formatPercent } from "@/components/format/format";
import { COLOR_NAME, ColorShape } from "./color-shape";
import { environmentHealth } from "./health-look";
import { InstanceTable, type InstanceSelection } from "./instance-table";
import { CapacitySummary } from "./capacity-summary";
import { StaleAwareBadge } from "@/components/freshness/stale-badge";

interface EnvironmentColumnProps {
  env: EnvironmentState;
  /** Share of traffic the weights send to this colour. */
  configuredPercent: number;
  /** Share measured from RequestCount; null when there is no traffic. */
  observedPercent: number | null;
  /** Row checkboxes (standby controls), when the person may use them. */
  selection?: InstanceSelection;
  /** Controls shown above the instance table (standby in bulk). */
  tools?: ReactNode;
  /** Instances this colour keeps running without traffic (detached, Standby), and what a rollback does with them. */
  keptWarm?: KeptWarm | null;
  /** The colour's health from the shared derivation (lib/domain/figures); counts alone when absent. */
  health?: HealthFigure;
}

const LB_KIND: Record<LoadBalancerView["kind"], string> = {
  classic: "Classic ELB",
  alb: "ALB",
  "target-group": "Target group",
  none: "",
};

const TOP_BORDER = { blue: "border-t-blueenv dark:border-t-blue-500", green: "border-t-greenenv dark:border-t-emerald-500" } as const;

/** One environment (blue or green): version, load balancer, health and instances. */
export function EnvironmentColumn({ env, configuredPercent, observedPercent, selection, tools, keptWarm, health: figure }: EnvironmentColumnProps) {
  const health = figure ?? environmentHealth(env.healthy, env.unhealthy, keptWarm?.count ?? 0);
  const tasks = env.instances.length > 0 ? env.instances.every((i) => i.kind === "task") : env.ecs !== undefined;
  const headingId = `env-${env.color}-heading`;
  return (
    <section
      aria-labelledby={headingId}
      className={`flex min-w-0 flex-col rounded-lg border border-t-4 border-slate-200 bg-white shadow-xs dark:border-slate-800 dark:bg-slate-900 ${TOP_BORDER[env.color]}`}
    >
      <header className="flex items-center justify-between gap-3 px-4 pt-3 pb-2">
        <h2 id={headingId} className="flex items-center gap-2 text-base font-semibold text-slate-900 dark:text-slate-100">
          <ColorShape color={env.color} className="text-lg" />
          {COLOR_NAME[env.color]}
        </h2>
        {/* Reads "Stale" while the page's data is old (see FreshnessFrame). */}
        <StaleAwareBadge tone={health.tone} icon={health.icon} label={health.label} stale={false} />
      </header>

      <dl className="grid grid-cols-[7rem_1fr] gap-x-3 gap-y-1.5 px-4 pb-3 text-sm">
        <dt className="text-slate-500 dark:text-slate-400">Version</dt>
        <dd className="truncate font-mono text-[13px] font-medium text-slate-900 dark:text-slate-100" title={env.version}>
          {env.version}
        </dd>
        <dt className="text-slate-500 dark:text-slate-400">Load balancer</dt>
        <dd className="truncate text-slate-800 dark:text-slate-200" title={env.loadBalancer.name}>
          {env.loadBalancer.name}
          <span className="ml-1.5 text-xs text-slate-500 dark:text-slate-400">{LB_KIND[env.loadBalancer.kind]}</span>
        </dd>
        <dt className="text-slate-500 dark:text-slate-400">DNS name</dt>
        <dd className="truncate font-mono text-xs leading-5 text-slate-600 dark:text-slate-400" title={env.loadBalancer.dnsName ?? ""}>
          {env.loadBalancer.dnsName ?? "—"}
        </dd>
        <dt className="text-slate-500 dark:text-slate-400">Traffic</dt>
        <dd className="tabular-nums text-slate-800 dark:text-slate-200">
          {formatPercent(configuredPercent)} <span className="text-xs text-slate-500 dark:text-slate-400">configured</span>
          <span className="mx-1.5 text-slate-300 dark:text-slate-600">·</span>
          {formatPercent(observedPercent)} <span className="text-xs text-slate-500 dark:text-slate-400">observed</span>
        </dd>
        <dt className="text-slate-500 dark:text-slate-400">{tasks ? "Tasks" : "Instances"}</dt>
        <dd className="flex flex-wrap gap-x-3 tabular-nums">
          {figure && figure.tone === "warning" ? (
            <span data-testid={`health-${env.color}`} className="basis-full font-medium text-amber-800 dark:text-amber-300">
              {figure.text}
            </span>
          ) : null}
          <span className="text-emerald-700 dark:text-emerald-400">
            <span aria-hidden="true">✓ </span>
            {env.healthy} healthy
          </span>
          <span className={env.unhealthy > 0 ? "font-medium text-rose-700 dark:text-rose-400" : "text-slate-500 dark:text-slate-400"}>
            <span aria-hidden="true">✕ </span>
            {env.unhealthy} unhealthy
          </span>
        </dd>
      </dl>

      {keptWarm ? (
        <div
          data-testid={`kept-warm-${env.color}`}
          className="mx-4 mb-3 rounded-md border border-sky-300 bg-sky-50 px-3 py-2 text-sm text-sky-950 dark:border-sky-800 dark:bg-sky-950/60 dark:text-sky-100"
        >
          <p className="font-semibold">
            <span aria-hidden="true">◐ </span>Kept warm: {keptWarm.text}
          </p>
          <p className="mt-0.5 opacity-90">{keptWarm.rollback}</p>
        </div>
      ) : null}

      {env.capacity ? <CapacitySummary capacity={env.capacity} unit={tasks ? "tasks" : "instances"} /> : null}
      {tools ? <div className="border-t border-slate-200 px-4 py-2 dark:border-slate-800">{tools}</div> : null}

      <div className="border-t border-slate-200 dark:border-slate-800">
        <InstanceTable instances={env.instances} caption={`${COLOR_NAME[env.color]} ${tasks ? "tasks" : "instances"}`} selection={selection} />
      </div>
    </section>
  );
}
