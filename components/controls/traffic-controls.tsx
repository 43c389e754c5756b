"use client";

import { useId, useState } from "react";
import type { Color } from "@/lib/domain/basics";
import { buttonClass } from "@/components/ui/button-styles";
import { WeightSlider } from "./weight-slider";
import { shiftTraffic } from "@/lib/actions/shift-traffic";
import { IntentDialog } from "./intent-dialog";
import { shiftTitle } from "./confirm-gate";
import { SLIDER_PRESETS } from "./slider-keys";
import { shareGrid, snappedPresets } from "./share-grid";

interface TrafficControlsProps {
  appId: string;
  /** Green share the weights configure now. */
  configured: number;
  /** An operation is running: a new shift would be refused, so the slider waits. */
  busy: boolean;
  onStarted: (operationId: string) => void;
  /** The pattern's live granularity (state.granularityPercent): the slider and presets snap to it. */
  granularityPercent?: number;
  /** Each colour's version label (the promote dialog names them). */
  versions?: Record<Color, string>;
}

/** The weight slider and presets. Moving is free; every change goes through the confirm dialog. */
export function TrafficControls({ appId, configured, busy, onStarted, granularityPercent = 1, versions }: TrafficControlsProps) {
  const [draft, setDraft] = useState<number | null>(null);
  const [confirming, setConfirming] = useState<{ from: number; to: number } | null>(null);
  const helpId = useId();
  const value = draft ?? configured;
  const snapped = granularityPercent > 1;
  const grid = snapped ? shareGrid(granularityPercent) : undefined;
  const presets = grid ? snappedPresets(grid) : SLIDER_PRESETS;

  function commit(target: number) {
    if (busy) return;
    if (target === configured) {
      setDraft(null);
      return;
    }
    setDraft(target);
    setConfirming({ from: configured, to: target });
  }

  function closeDialog() {
    setConfirming(null);
    setDraft(null);
  }

  return (
    <div className="space-y-3">
      <div className="flex items-baseline justify-between">
        <span className="text-sm font-medium text-slate-900 dark:text-slate-100">Green traffic</span>
        <span className="text-2xl font-semibold tabular-nums text-slate-900 dark:text-slate-100">
          {value} <span className="text-base font-medium text-slate-500 dark:text-slate-400">%</span>
        </span>
      </div>
      <WeightSlider value={value} configured={configured} disabled={busy} onChange={setDraft} onCommit={commit} describedBy={helpId} grid={grid} />
      <div className="flex flex-wrap items-center gap-1.5" role="group" aria-label="Presets">
        {presets.map((p) => (
          <button
            key={p}
            type="button"
            disabled={busy}
            aria-pressed={p === configured}
            onClick={() => commit(p)}
            className={buttonClass(p === configured ? "primary" : "secondary", "sm", "min-w-12 tabular-nums")}
          >
            {p} %
          </button>
        ))}
      </div>
      <p id={helpId} className="text-xs text-slate-500 dark:text-slate-400">
        {busy
          ? "An operation is running. Wait for it to finish, or abort it, before shifting again."
          : snapped
            ? `Green moves in steps of ${Math.round(granularityPercent * 10) / 10} % (whole instances or tasks): arrow keys go one step, Page Up/Down at least 10 points. Release or press Enter to review the plan — nothing changes until you confirm.`
            : "Arrow keys ±1, Page Up/Down ±10. Release or press Enter to review the plan — nothing changes until you confirm."}
      </p>
      {confirming !== null ? (
        <IntentDialog
          appId={appId}
          // The server promotes at 100 %: preview exactly what it will run.
          intent={confirming.to === 100 ? { kind: "promote" } : { kind: "shift", greenPercent: confirming.to }}
          // The plan knows the real starting point (the page behind may have moved on since the dialog opened).
          title={(plan) => shiftTitle(plan?.before.greenPercent ?? confirming.from, confirming.to, versions)}
          confirmLabel={confirming.to === 100 ? "Promote" : "Confirm shift"}
          reasonPlaceholder="e.g. Canary for release 2.4.0, ticket REL-1432"
          lead={
            confirming.to === 100 && versions
              ? (plan) => (
                  <p className="text-sm text-slate-700 dark:text-slate-300">
                    Green ({versions.green}) takes all the traffic from blue ({versions.blue}), now at {plan?.before.greenPercent ?? confirming.from}{" "}
                    % green.
                  </p>
                )
              : undefined
          }
          start={({ expectedVersion, reason, override }) =>
            shiftTraffic({ appId, greenPercent: confirming.to, expectedVersion, reason, ...(override ? { override } : {}) })
          }
          onClose={closeDialog}
          onStarted={(id) => {
            closeDialog();
            onStarted(id);
          }}
        />
      ) : null}
    </div>
  );
}
