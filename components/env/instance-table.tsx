import type { InstanceView } from "@/lib/domain/app-state";
import { TONE_CLASSES } from "@/components/operation/operation-status";
import { Badge } from "@/components/ui/badge";
import { healthLook } from "./health-look";
import { lifecycleLook, standbyMove } from "./lifecycle-look";

/** Row checkboxes for choosing instances (standby controls); absent means a read-only table. */
export interface InstanceSelection {
  selected: ReadonlySet<string>;
  onToggle: (instanceId: string) => void;
}

interface InstanceTableProps {
  instances: readonly InstanceView[];
  caption: string;
  selection?: InstanceSelection;
}

/**
 * Instances (or ECS tasks) of one environment: health, lifecycle (Standby marked by glyph and
 * word), what they were launched from, their zone, and AWS's reason.
 */
export function InstanceTable({ instances, caption, selection }: InstanceTableProps) {
  if (instances.length === 0) {
    return <p className="px-4 py-3 text-sm text-slate-500 dark:text-slate-400">No instances registered.</p>;
  }
  const tasks = instances.every((i) => i.kind === "task");
  const noun = tasks ? "Task" : "Instance";
  const showLaunch = instances.some((i) => i.launch);
  const showZone = instances.some((i) => i.availabilityZone);
  return (
    <table className="w-full table-fixed text-left text-xs">
      <caption className="sr-only">{caption}</caption>
      <thead className="text-slate-500 dark:text-slate-400">
        <tr className="border-b border-slate-200 dark:border-slate-800">
          {selection ? (
            <th scope="col" className="w-8 py-1.5 pl-4">
              <span className="sr-only">Select</span>
            </th>
          ) : null}
          <th scope="col" className={`${selection ? "pl-1" : "pl-4"} w-[34%] py-1.5 font-medium`}>
            {noun}
          </th>
          <th scope="col" className="w-[22%] px-2 py-1.5 font-medium">
            State
          </th>
          {showLaunch || showZone ? (
            <th scope="col" className="w-[24%] px-2 py-1.5 font-medium">
              {tasks ? "Task definition" : "Launch"}
              {showZone ? " · AZ" : ""}
            </th>
          ) : null}
          <th scope="col" className="px-2 py-1.5 pr-4 font-medium">
            Detail
          </th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100 dark:divide-slate-800/70">
        {instances.map((instance) => {
          const look = healthLook(instance.health);
          const lifecycle = instance.lifecycle ? lifecycleLook(instance.lifecycle) : null;
          const inStandby = instance.lifecycle === "Standby";
          const selectable = selection ? standbyMove(instance.lifecycle) !== null : false;
          return (
            <tr key={instance.id} className={`align-top ${inStandby ? "bg-amber-50/60 dark:bg-amber-950/20" : ""}`}>
              {selection ? (
                <td className="py-1.5 pl-4">
                  <input
                    type="checkbox"
                    className="size-3.5 accent-teal-700"
                    aria-label={`Select ${instance.id}`}
                    checked={selection.selected.has(instance.id)}
                    disabled={!selectable}
                    onChange={() => selection.onToggle(instance.id)}
                  />
                </td>
              ) : null}
              <td className={`${selection ? "pl-1" : "pl-4"} py-1.5 font-mono text-[11px] text-slate-800 dark:text-slate-200`}>
                <span className="flex items-center gap-2">
                  <span
                    className={`inline-flex size-4 shrink-0 items-center justify-center rounded-full text-[10px] ring-1 ring-inset ${TONE_CLASSES[look.tone]}`}
                    title={look.label}
                  >
                    <span aria-hidden="true">{look.icon}</span>
                    <span className="sr-only">{look.label}</span>
                  </span>
                  <span className="truncate" title={instance.id}>
                    {instance.id}
                  </span>
                </span>
              </td>
              <td className="px-2 py-1.5 text-slate-700 dark:text-slate-300">
                {lifecycle ? (
                  <Badge tone={lifecycle.tone} className="text-[11px]">
                    <span aria-hidden="true">{lifecycle.icon}</span>
                    {lifecycle.label}
                  </Badge>
                ) : null}
                <span className={lifecycle ? "mt-0.5 block text-[11px] text-slate-500 dark:text-slate-400" : ""}>{instance.state}</span>
              </td>
              {showLaunch || showZone ? (
                <td className="px-2 py-1.5 text-slate-600 dark:text-slate-400">
                  <span className="block truncate font-mono text-[11px]" title={instance.launch ?? ""}>
                    {instance.launch ?? "—"}
                  </span>
                  {instance.availabilityZone ? <span className="block text-[11px]">{instance.availabilityZone}</span> : null}
                </td>
              ) : null}
              <td className="px-2 py-1.5 pr-4 break-words text-slate-500 dark:text-slate-400">{instance.description || "—"}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
