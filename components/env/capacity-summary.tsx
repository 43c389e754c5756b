import type { CapacityView } from "@/lib/domain/app-state";

interface CapacitySummaryProps {
  capacity: CapacityView;
  /** "instances" for Auto Scaling, "tasks" for ECS. */
  unit: "instances" | "tasks";
}

/** The bounds AWS states, in words; a bound it does not state is left out rather than drawn as "—". */
export function capacityBounds(min: number | undefined, max: number | undefined): string | null {
  if (min !== undefined && max !== undefined) return `min ${min} · max ${max}`;
  if (min !== undefined) return `at least ${min}`;
  if (max !== undefined) return `at most ${max}`;
  return null;
}

/** Desired, in service, pending and standby at a glance, with the group's or service's bounds. */
export function CapacitySummary({ capacity, unit }: CapacitySummaryProps) {
  const cells: { label: string; value: number; emphasis?: boolean }[] = [
    { label: "Desired", value: capacity.desired },
    { label: "In service", value: capacity.inService },
    { label: "Pending", value: capacity.pending, emphasis: capacity.pending > 0 },
    { label: "Standby", value: capacity.standby, emphasis: capacity.standby > 0 },
  ];
  const bounds = capacityBounds(capacity.min, capacity.max);
  return (
    <div className="px-4 pb-3">
      <p className="mb-1 flex items-baseline justify-between text-xs text-slate-500 dark:text-slate-400">
        <span className="font-medium">Capacity ({unit})</span>
        {bounds ? <span className="tabular-nums">{bounds}</span> : null}
      </p>
      <dl className="grid grid-cols-4 gap-1.5 text-center">
        {cells.map((c) => (
          <div key={c.label} className="rounded border border-slate-200 px-1 py-1 dark:border-slate-800">
            <dt className="text-[11px] text-slate-500 dark:text-slate-400">{c.label}</dt>
            <dd
              className={`text-base font-semibold tabular-nums ${c.emphasis ? "text-amber-700 dark:text-amber-400" : "text-slate-900 dark:text-slate-100"}`}
            >
              {c.value}
            </dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
