"use client";

import { useId, useState } from "react";
import { scaleGreen } from "@/lib/actions/scale-green";
import { buttonClass } from "@/components/ui/button-styles";
import { IntentDialog } from "./intent-dialog";

interface ScaleGreenControlProps {
  appId: string;
  /** Green's desired capacity now. */
  current: number;
  min?: number;
  max?: number;
  unit: "instances" | "tasks";
  busy: boolean;
  onStarted: (operationId: string) => void;
}

/** Size green before it takes traffic; the planner says when the pattern refuses a size. */
export function ScaleGreenControl({ appId, current, min = 0, max, unit, busy, onStarted }: ScaleGreenControlProps) {
  const [draft, setDraft] = useState<string>(String(current));
  const [confirming, setConfirming] = useState<number | null>(null);
  const inputId = useId();
  const helpId = useId();
  const parsed = Number(draft);
  const valid = draft.trim() !== "" && Number.isInteger(parsed) && parsed >= min && (max === undefined || parsed <= max);

  return (
    <div className="space-y-1.5">
      <label htmlFor={inputId} className="block text-sm font-medium text-slate-900 dark:text-slate-100">
        Scale green
      </label>
      <div className="flex items-center gap-2">
        <input
          id={inputId}
          type="number"
          inputMode="numeric"
          min={min}
          max={max}
          step={1}
          value={draft}
          disabled={busy}
          aria-describedby={helpId}
          aria-invalid={!valid || undefined}
          onChange={(e) => setDraft(e.target.value)}
          className="h-9 w-24 rounded-md border border-slate-300 bg-white px-2 text-sm tabular-nums text-slate-900 focus:border-teal-600 focus:ring-2 focus:ring-teal-600/30 focus:outline-none disabled:opacity-50 dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100"
        />
        <span className="text-sm text-slate-600 dark:text-slate-400">{unit}</span>
        <button
          type="button"
          className={buttonClass("secondary", "md", "ml-auto")}
          disabled={busy || !valid || parsed === current}
          onClick={() => setConfirming(parsed)}
        >
          Scale green…
        </button>
      </div>
      <p id={helpId} className="text-xs text-slate-500 dark:text-slate-400">
        Green wants {current} {unit} now{max !== undefined ? ` (allowed ${min}–${max})` : ""}. Scale it before it takes traffic.
      </p>
      {confirming !== null ? (
        <IntentDialog
          appId={appId}
          intent={{ kind: "scale-green", capacity: confirming }}
          title={`Scale green: ${current} → ${confirming} ${unit}`}
          confirmLabel="Confirm scale"
          start={({ expectedVersion, reason }) => scaleGreen({ appId, capacity: confirming, expectedVersion, reason })}
          onClose={() => setConfirming(null)}
          onStarted={(id) => {
            setConfirming(null);
            onStarted(id);
          }}
        />
      ) : null}
    </div>
  );
}
