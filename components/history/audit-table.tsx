import type { AuditRecord } from "@/lib/domain/operation";
import type { JsonValue } from "@/lib/domain/basics";
import { formatUtc } from "./format-utc";

function compact(value: JsonValue | null): string {
  if (value === null) return "";
  const text = JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

/** The audit log, newest first: who did what to which application, why, and what changed. */
export function AuditTable({ records, appNames }: { records: readonly AuditRecord[]; appNames: Readonly<Record<string, string>> }) {
  if (records.length === 0) {
    return (
      <p className="rounded-lg border border-dashed border-slate-300 px-4 py-8 text-center text-sm text-slate-500 dark:border-slate-700 dark:text-slate-400">
        No audit records match these filters.
      </p>
    );
  }
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-xs dark:border-slate-800 dark:bg-slate-900">
      <table className="w-full table-fixed text-left text-xs">
        <caption className="sr-only">Audit log</caption>
        <thead className="bg-slate-50 text-slate-500 dark:bg-slate-950/40 dark:text-slate-400">
          <tr className="border-b border-slate-200 dark:border-slate-800">
            <th scope="col" className="w-14 px-3 py-2 font-medium">
              #
            </th>
            <th scope="col" className="w-44 px-2 py-2 font-medium">
              Time
            </th>
            <th scope="col" className="w-44 px-2 py-2 font-medium">
              Event
            </th>
            <th scope="col" className="w-52 px-2 py-2 font-medium">
              Actor
            </th>
            <th scope="col" className="w-36 px-2 py-2 font-medium">
              Application
            </th>
            <th scope="col" className="px-2 py-2 font-medium">
              Reason
            </th>
            <th scope="col" className="w-[28%] px-2 py-2 pr-3 font-medium">
              Change
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800/70">
          {records.map((r) => (
            <tr key={r.seq} className="align-top">
              <td className="px-3 py-1.5 text-slate-500 tabular-nums dark:text-slate-400">{r.seq}</td>
              <td className="px-2 py-1.5 text-slate-600 tabular-nums dark:text-slate-400">{formatUtc(r.at)}</td>
              <td className="px-2 py-1.5 font-mono text-[11px] text-slate-800 dark:text-slate-200">{r.action}</td>
              <td className="truncate px-2 py-1.5 text-slate-700 dark:text-slate-300">
                {r.actor ? r.actor.email : <span className="text-slate-400">system</span>}
              </td>
              <td className="truncate px-2 py-1.5 text-slate-700 dark:text-slate-300">{r.appId ? (appNames[r.appId] ?? r.appId) : "—"}</td>
              <td className="px-2 py-1.5 break-words text-slate-700 dark:text-slate-300">{r.reason ?? ""}</td>
              <td className="px-2 py-1.5 pr-3 font-mono text-[11px] break-words text-slate-500 dark:text-slate-400">
                {r.before !== null || r.after !== null ? (
                  <>
                    {compact(r.before) || "∅"} <span aria-label="becomes">→</span> {compact(r.after) || "∅"}
                  </>
                ) : (
                  ""
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
