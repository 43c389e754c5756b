import type { ReactNode } from "react";
import { windowLabel, type GreenVerdict } from "@/lib/domain/green-verdict";
import type { WallAlarm, WallOperation } from "@/lib/domain/wall";
import { isActiveStatus } from "@/lib/domain/operation-status";
import { formatDurationSeconds } from "@/components/format/format";
import { operationStatusLook } from "@/components/operation/operation-status";
import type { WallStatus } from "./wall-status";

/**
 * Why a tile says what it says, in 32 px lines that wrap (never cut off). The first reason is the
 * last to go when the tile is short (see wall-fit.ts); the others go from the last one up, and a
 * "+N more" line says how many are not shown.
 */

const TEXT = {
  danger: "text-rose-700 dark:text-rose-300",
  warning: "text-amber-800 dark:text-amber-300",
  info: "text-sky-800 dark:text-sky-200",
  neutral: "text-slate-700 dark:text-slate-300",
} as const;

/** Drop order of the reasons: the first one after everything else but the name and the word. */
const FIRST_REASON = 20;
const MORE_REASONS = 50;

/** "29.8 %" and "5 min" never split across two lines. */
function keepUnits(text: string): string {
  return text.replace(/(\d) (%|ms|s|min)(?=\s|$|[),])/g, "$1\u00a0$2").replace(/last (\d)/g, "last\u00a0$1");
}

function age(ms: number | null): string {
  return ms === null ? "never read" : `${formatDurationSeconds(ms / 1000)} old`;
}

interface Reason {
  key: string;
  node: ReactNode;
}

function verdictReason(verdict: GreenVerdict): Reason {
  const window = windowLabel(verdict);
  const tone = verdict.status === "failing" ? TEXT.danger : TEXT.warning;
  return {
    key: "verdict",
    node: (
      <div data-verdict={verdict.status}>
        <span className={`font-bold ${tone}`}>
          <span aria-hidden="true">{verdict.status === "failing" ? "✕" : "!"}</span> {verdict.label}
        </span>
        {verdict.figures ? <span className="tabular-nums"> · {keepUnits(verdict.figures)}</span> : null}
        {window ? <span className={TEXT.neutral}> · {keepUnits(window)}</span> : null}
      </div>
    ),
  };
}

function operationReasons(op: WallOperation, alongsideFailure: boolean): Reason[] {
  const look = operationStatusLook(op.status);
  const step = op.steps > 0 ? `step ${op.step} of ${op.steps}` : null;
  const reasons: Reason[] = [
    {
      key: "op-summary",
      node: (
        <p>
          <span aria-hidden="true" className={`font-bold ${TEXT.info}`}>
            {look.icon}{" "}
          </span>
          {alongsideFailure ? <span className={`font-bold ${TEXT.info}`}>{look.label}: </span> : null}
          {op.summary}
        </p>
      ),
    },
  ];
  if (step) reasons.push({ key: "op-step", node: <p className="font-bold tabular-nums">{step}</p> });
  // Step titles can be long ("Set the listener's default action's forward weights to …"): a reason of their own.
  if (op.stepTitle) reasons.push({ key: "op-step-title", node: <p className={TEXT.neutral}>{op.stepTitle}</p> });
  reasons.push({ key: "op-actor", node: <p className={TEXT.neutral}>by {op.actorEmail}</p> });
  return reasons;
}

function alarmReasons(alarms: readonly WallAlarm[]): Reason[] {
  return alarms.map((alarm) => ({
    key: `alarm-${alarm.id}`,
    node: (
      <>
        <span aria-hidden="true" className={`font-black ${alarm.severity === "critical" ? TEXT.danger : TEXT.warning}`}>
          {alarm.severity === "critical" ? "✕" : "!"}{" "}
        </span>
        <span className="sr-only">{alarm.severity === "critical" ? "Alarm" : "Warning"}: </span>
        {alarm.text}
      </>
    ),
  }));
}

function staleReasons(stale: NonNullable<WallStatus["stale"]>, asNote: boolean): Reason[] {
  const reasons: Reason[] = [
    {
      key: "stale-age",
      node: (
        <p className="font-bold">
          <span aria-hidden="true">◷ </span>
          {asNote ? "Data " : "AWS data "}
          {age(stale.ageMs)}
        </p>
      ),
    },
  ];
  if (stale.cause && !asNote) reasons.push({ key: "stale-cause", node: <p className={TEXT.neutral}>{stale.cause}</p> });
  return reasons;
}

function reasonsOf(status: WallStatus, quietVerdict: GreenVerdict | null): { reasons: Reason[]; alarmKeys: Set<string> } {
  const alarms = alarmReasons(status.alarms);
  const alarmKeys = new Set(alarms.map((a) => a.key));
  switch (status.word) {
    case "FAILING": {
      const running = isActiveStatus(status.operation?.status);
      return {
        reasons: [
          ...(status.verdict ? [verdictReason(status.verdict)] : []),
          ...(running && status.operation ? operationReasons(status.operation, true).slice(0, 2) : []),
          ...alarms,
          ...(status.stale ? staleReasons(status.stale, true) : []),
        ],
        alarmKeys,
      };
    }
    case "STALE":
      return { reasons: status.stale ? staleReasons(status.stale, false) : [], alarmKeys };
    case "SHIFTING":
      return { reasons: status.operation ? operationReasons(status.operation, false) : [], alarmKeys };
    case "OK":
      return {
        reasons: quietVerdict
          ? [
              {
                key: "verdict-quiet",
                node: (
                  <p className={TEXT.neutral} data-verdict={quietVerdict.status}>
                    {quietVerdict.label}
                  </p>
                ),
              },
            ]
          : [],
        alarmKeys,
      };
  }
}

/** The reasons under the word, alarms in a list named "Alarms". */
export function WallReasons({ status, quietVerdict }: { status: WallStatus; quietVerdict: GreenVerdict | null }) {
  const { reasons, alarmKeys } = reasonsOf(status, quietVerdict);
  if (reasons.length === 0) return null;
  const item = (r: Reason, index: number) => (
    <li key={r.key} data-fit={index === 0 ? FIRST_REASON : MORE_REASONS + index} data-fit-reason="" className="break-words">
      {r.node}
    </li>
  );
  const before = reasons.findIndex((r) => alarmKeys.has(r.key));
  const firstAfter = reasons.findIndex((r, k) => k > before && !alarmKeys.has(r.key));
  // Alarms stay one list (screen readers count them); other reasons sit before and after it.
  const alarmStart = before < 0 ? reasons.length : before;
  const alarmEnd = before < 0 ? reasons.length : firstAfter < 0 ? reasons.length : firstAfter;
  return (
    <div className="space-y-1 text-[32px] leading-tight">
      {alarmStart > 0 ? <ul className="space-y-1">{reasons.slice(0, alarmStart).map((r, k) => item(r, k))}</ul> : null}
      {alarmEnd > alarmStart ? (
        <ul aria-label="Alarms" className="space-y-1">
          {reasons.slice(alarmStart, alarmEnd).map((r, k) => item(r, alarmStart + k))}
        </ul>
      ) : null}
      {alarmEnd < reasons.length ? <ul className="space-y-1">{reasons.slice(alarmEnd).map((r, k) => item(r, alarmEnd + k))}</ul> : null}
      <p data-fit-more="" className={`font-semibold ${TEXT.neutral}`} />
    </div>
  );
}
