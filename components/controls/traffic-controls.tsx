"use client";

import { useId, useState } from "react";
import type { Color } from "@/lib/domain/types";
import { buttonClass } from "@/components/ui/button-styles";
import { WeightSlider } from "./weight-slider";
import { ShiftDialog } from "./shift-dialog";
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
        <ShiftDialog
          appId={appId}
          fromPercent={confirming.from}
          toPercent={confirming.to}
          versions={versions}
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
