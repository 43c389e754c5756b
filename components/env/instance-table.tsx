import type { InstanceView } from "@/lib/domain/types";
import { TONE_CLASSES } from "@/components/operation/operation-status";
import { healthLook } from "./health-look";

interface InstanceTableProps {
  instances: readonly InstanceView[];
  caption: string;
}

/** Instances registered with one environment's load balancer, with AWS's state and reason. */
export function InstanceTable({ instances, caption }: InstanceTableProps) {
  if (instances.length === 0) {
    return <p className="px-4 py-3 text-sm text-slate-500 dark:text-slate-400">No instances registered.</p>;
  }
  return (
    <table className="w-full table-fixed text-left text-xs">
      <caption className="sr-only">{caption}</caption>
      <thead className="text-slate-500 dark:text-slate-400">
        <tr className="border-b border-slate-200 dark:border-slate-800">
          <th scope="col" className="w-[45%] px-4 py-1.5 font-medium">
            Instance
          </th>
          <th scope="col" className="w-[25%] px-2 py-1.5 font-medium">
            State
          </th>
          <th scope="col" className="px-2 py-1.5 pr-4 font-medium">
            Detail
          </th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100 dark:divide-slate-800/70">
        {instances.map((instance) => {
          const look = healthLook(instance.health);
          return (
            <tr key={instance.id} className="align-top">
              <td className="px-4 py-1.5 font-mono text-[11px] text-slate-800 dark:text-slate-200">
                <span className="flex items-center gap-2">
                  <span
                    className={`inline-flex size-4 shrink-0 items-center justify-center rounded-full text-[10px] ring-1 ring-inset ${TONE_CLASSES[look.tone]}`}
                    title={look.label}
                  >
                    <span aria-hidden="true">{look.icon}</span>
                    <span className="sr-only">{look.label}</span>
                  </span>
                  <span className="truncate">{instance.id}</span>
                </span>
              </td>
              <td className="px-2 py-1.5 text-slate-700 dark:text-slate-300">{instance.state}</td>
              <td className="px-2 py-1.5 pr-4 break-words text-slate-500 dark:text-slate-400">{instance.description || "—"}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
