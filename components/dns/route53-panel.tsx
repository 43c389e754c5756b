import type { DnsState } from "@/lib/domain/app-state";
import { Panel } from "@/components/ui/panel";
import { Badge } from "@/components/ui/badge";
import { COLOR_NAME, ColorShape } from "@/components/env/color-shape";
import { formatDurationSeconds } from "@/components/format/format";
import { ClockIcon } from "@/components/ui/clock-icon";

/** Route 53 weighted records of the application, the last change's status and how fast clients follow. */
export function Route53Panel({ dns }: { dns: DnsState }) {
  const totalWeight = dns.records.reduce((sum, r) => sum + r.weight, 0);
  const recordName = dns.records[0]?.name ?? "";
  const recordType = dns.records[0]?.type ?? "";
  return (
    <Panel
      title="Route 53"
      headingId="route53-heading"
      meta={
        <span className="font-mono">
          {recordName} {recordType} · zone {dns.hostedZoneId}
        </span>
      }
      actions={
        dns.changeStatus === null ? (
          <Badge>No change recorded</Badge>
        ) : dns.changeStatus === "PENDING" ? (
          <Badge tone="info">
            <span aria-hidden="true" className="inline-block motion-safe:animate-spin">
              ◔
            </span>
            Change PENDING
          </Badge>
        ) : (
          <Badge tone="success">
            <span aria-hidden="true">✓</span>
            Change INSYNC
          </Badge>
        )
      }
      bodyClassName=""
    >
      <div className="overflow-x-auto">
        <table className="w-full table-fixed text-left text-sm">
          <caption className="sr-only">Weighted records</caption>
          <thead className="text-xs text-slate-500 dark:text-slate-400">
            <tr className="border-b border-slate-200 dark:border-slate-800">
              <th scope="col" className="w-36 px-4 py-2 font-medium">
                Set identifier
              </th>
              <th scope="col" className="w-20 px-2 py-2 text-right font-medium">
                Weight
              </th>
              <th scope="col" className="w-20 px-2 py-2 text-right font-medium">
                Share
              </th>
              <th scope="col" className="w-20 px-2 py-2 text-right font-medium">
                TTL
              </th>
              <th scope="col" className="px-4 py-2 pl-6 font-medium">
                Value
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 dark:divide-slate-800/70">
            {dns.records.map((record) => (
              <tr key={record.setIdentifier}>
                <td className="px-4 py-2">
                  <span className="flex items-center gap-2 font-mono text-xs text-slate-900 dark:text-slate-100">
                    <ColorShape color={record.color} />
                    <span className="sr-only">{COLOR_NAME[record.color]}: </span>
                    {record.setIdentifier}
                  </span>
                </td>
                <td className="px-2 py-2 text-right font-semibold tabular-nums text-slate-900 dark:text-slate-100">{record.weight}</td>
                <td className="px-2 py-2 text-right tabular-nums text-slate-600 dark:text-slate-400">
                  {totalWeight > 0 ? `${Math.round((record.weight / totalWeight) * 100)} %` : "—"}
                </td>
                <td className="px-2 py-2 text-right tabular-nums text-slate-600 dark:text-slate-400">
                  {record.ttl === null ? "alias" : `${record.ttl} s`}
                </td>
                <td className="truncate px-4 py-2 pl-6 font-mono text-xs text-slate-600 dark:text-slate-400" title={record.target}>
                  {record.target}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="flex items-center gap-1.5 border-t border-slate-200 px-4 py-2.5 text-xs text-slate-600 dark:border-slate-800 dark:text-slate-400">
        <ClockIcon />
        <span>
          DNS reaction: most clients follow a weight change within{" "}
          <strong className="font-semibold tabular-nums text-slate-900 dark:text-slate-100">~{formatDurationSeconds(dns.reactionSeconds)}</strong>{" "}
          (propagation + TTL across resolver caches). Some clients ignore TTL and lag longer.
        </span>
      </p>
    </Panel>
  );
}
