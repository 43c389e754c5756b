import Link from "next/link";
import type { AppOutcomes } from "@/lib/domain/outcomes";
import { formatDurationSeconds } from "@/components/format/format";
import { formatUtc } from "./format-utc";

interface OutcomesTableProps {
  perApp: readonly AppOutcomes[];
  fleet: AppOutcomes;
  appNames: Readonly<Record<string, string>>;
  days: number;
  /** The windows offered, each with its link. */
  windows: readonly { days: number; href: string }[];
  /** The window held more operations than one computation reads. */
  partial: boolean;
}

function rate(o: AppOutcomes): string {
  return o.changeFailureRate === null ? "—" : `${Math.round(o.changeFailureRate * 100)} %`;
}

function seconds(value: number | null): string {
  return value === null ? "—" : formatDurationSeconds(value);
}

const CELL = "px-2 py-2 text-right tabular-nums";

function Row({ o, name, total = false }: { o: AppOutcomes; name: string; total?: boolean }) {
  const tone = total ? "font-semibold text-slate-900 dark:text-slate-100" : "text-slate-700 dark:text-slate-300";
  return (
    <tr className={total ? "border-t-2 border-slate-200 dark:border-slate-700" : undefined}>
      <th scope="row" className={`truncate px-3 py-2 text-left font-medium ${tone}`}>
        {name}
      </th>
      <td className={`${CELL} ${tone}`}>{o.changes}</td>
      <td className={`${CELL} ${tone}`}>{o.failedChanges}</td>
      <td className={`${CELL} ${tone}`}>{rate(o)}</td>
      <td className={`${CELL} ${tone}`}>{seconds(o.medianDetectSeconds)}</td>
      <td className={`${CELL} ${tone}`}>
        {seconds(o.medianRollbackSeconds)}
        {o.rollbacks > o.rollbacksSucceeded ? (
          <span className="block text-xs font-normal text-amber-800 dark:text-amber-300">
            {o.rollbacks - o.rollbacksSucceeded} of {o.rollbacks} did not succeed
          </span>
        ) : null}
      </td>
      <td className={`px-2 py-2 pr-3 text-right tabular-nums ${tone}`}>{o.lastRollbackAt ? formatUtc(o.lastRollbackAt) : "—"}</td>
    </tr>
  );
}

/**
 * Delivery outcomes per application over a window of days: changes, how many were rolled back,
 * the change failure rate, and the median times to detect and to roll back.
 */
export function OutcomesTable({ perApp, fleet, appNames, days, windows, partial }: OutcomesTableProps) {
  return (
    <section aria-labelledby="outcomes-heading" className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id="outcomes-heading" className="text-base font-semibold text-slate-900 dark:text-slate-100">
          Outcomes, last {days} days
        </h2>
        <nav aria-label="Outcome window" className="inline-flex gap-1 text-sm">
          {windows.map((w) => (
            <Link
              key={w.days}
              href={w.href}
              aria-current={w.days === days ? "page" : undefined}
              className={`rounded-md px-2.5 py-1 font-medium focus-visible:outline-2 focus-visible:outline-teal-600 ${
                w.days === days
                  ? "bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900"
                  : "text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"
              }`}
            >
              {w.days} days
            </Link>
          ))}
        </nav>
      </div>
      {partial ? (
        <p className="text-sm text-amber-800 dark:text-amber-300">
          This window holds more operations than one page of figures reads: the oldest are left out.
        </p>
      ) : null}
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-xs dark:border-slate-800 dark:bg-slate-900">
        <table className="w-full min-w-[720px] text-sm">
          <caption className="sr-only">Outcomes per application, last {days} days</caption>
          <thead className="bg-slate-50 text-xs text-slate-600 dark:bg-slate-950/40 dark:text-slate-400">
            <tr className="border-b border-slate-200 dark:border-slate-800">
              <th scope="col" className="px-3 py-2 text-left font-medium">
                Application
              </th>
              <th scope="col" className="px-2 py-2 text-right font-medium">
                Changes
              </th>
              <th scope="col" className="px-2 py-2 text-right font-medium">
                Rolled back
              </th>
              <th scope="col" className="px-2 py-2 text-right font-medium">
                Change failure rate
              </th>
              <th scope="col" className="px-2 py-2 text-right font-medium">
                Time to detect (median)
              </th>
              <th scope="col" className="px-2 py-2 text-right font-medium">
                Time to roll back (median)
              </th>
              <th scope="col" className="px-2 py-2 pr-3 text-right font-medium">
                Last rollback
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 dark:divide-slate-800/70">
            {perApp.map((o) => (
              <Row key={o.appId} o={o} name={appNames[o.appId] ?? o.appId} />
            ))}
            <Row o={fleet} name="All applications" total />
          </tbody>
        </table>
      </div>
      <div className="text-xs leading-relaxed text-slate-600 dark:text-slate-400">
        <p>
          <strong className="font-semibold text-slate-700 dark:text-slate-300">A change</strong> is an operation that moved traffic or capacity
          towards green: a shift that raised green&apos;s share, a promote, a deployed revision, a progressive run. It counts as{" "}
          <strong className="font-semibold text-slate-700 dark:text-slate-300">rolled back</strong> when a rollback of the same application started
          before the next change. <strong className="font-semibold text-slate-700 dark:text-slate-300">Time to detect</strong> runs from the
          change&apos;s start to the rollback&apos;s start;{" "}
          <strong className="font-semibold text-slate-700 dark:text-slate-300">time to roll back</strong> from the rollback&apos;s start to its
          successful end. All of it is read from the operations journal.
        </p>
      </div>
    </section>
  );
}
