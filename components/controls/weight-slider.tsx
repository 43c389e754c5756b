"use client";

import { useRef, type KeyboardEvent, type PointerEvent } from "react";
import { SLIDER_MAX, SLIDER_MIN, sliderValueText, valueAtPointer, valueForKey } from "./slider-keys";
import { gridValueForKey, snapToGrid } from "./share-grid";

interface WeightSliderProps {
  /** The value shown (the draft while the person moves it). */
  value: number;
  /** The share the weights configure now, marked on the track. */
  configured: number;
  disabled?: boolean;
  /** Called while moving; never calls the server. */
  onChange: (value: number) => void;
  /** Released, Enter pressed, or a preset chosen: the caller asks for confirmation. */
  onCommit: (value: number) => void;
  describedBy?: string;
  /** The shares the pattern can reach (see `shareGrid`); absent means every whole percentage. */
  grid?: readonly number[];
}

/**
 * The green-traffic slider (WAI-ARIA slider): arrows ±1, PageUp/PageDown ±10, Home/End, Enter to
 * review. Moving only changes a draft; committing opens the confirm dialog.
 */
export function WeightSlider({ value, configured, disabled = false, onChange, onCommit, describedBy, grid }: WeightSliderProps) {
  const trackRef = useRef<HTMLDivElement>(null);
  const thumbRef = useRef<HTMLDivElement>(null);
  const dragging = useRef(false);
  const latest = useRef(value);

  function pointerValue(clientX: number): number {
    const rect = trackRef.current?.getBoundingClientRect();
    const raw = rect ? valueAtPointer(clientX, rect.left, rect.width) : value;
    // A drag lands only on shares the pattern can reach, so the value shown is the one planned.
    return grid ? snapToGrid(raw, grid) : raw;
  }

  function onPointerDown(event: PointerEvent<HTMLDivElement>) {
    if (disabled || event.button !== 0) return;
    event.preventDefault();
    dragging.current = true;
    event.currentTarget.setPointerCapture(event.pointerId);
    thumbRef.current?.focus();
    const next = pointerValue(event.clientX);
    latest.current = next;
    onChange(next);
  }

  function onPointerMove(event: PointerEvent<HTMLDivElement>) {
    if (!dragging.current) return;
    const next = pointerValue(event.clientX);
    if (next !== latest.current) {
      latest.current = next;
      onChange(next);
    }
  }

  function onPointerUp(event: PointerEvent<HTMLDivElement>) {
    if (!dragging.current) return;
    dragging.current = false;
    event.currentTarget.releasePointerCapture(event.pointerId);
    onCommit(latest.current);
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (disabled) return;
    if (event.key === "Enter") {
      event.preventDefault();
      onCommit(value);
      return;
    }
    const next = grid ? gridValueForKey(event.key, value, grid) : valueForKey(event.key, value);
    if (next === null) return;
    event.preventDefault();
    if (next !== value) onChange(next);
  }

  const moved = value !== configured;

  return (
    <div className={disabled ? "opacity-60" : ""}>
      <div className="mb-1 flex justify-between text-[11px] font-medium text-slate-500 tabular-nums dark:text-slate-400">
        <span>0 % green</span>
        <span>100 % green</span>
      </div>
      <div
        ref={trackRef}
        className={`relative mx-3 h-9 touch-none select-none ${disabled ? "cursor-not-allowed" : "cursor-pointer"}`}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={() => {
          dragging.current = false;
        }}
      >
        {/* Track: blue base, green fill up to the value. */}
        <div className="absolute inset-x-0 top-1/2 h-2 -translate-y-1/2 overflow-hidden rounded-full bg-blueenv/25 dark:bg-blue-500/25">
          <div className="h-full rounded-full bg-greenenv dark:bg-emerald-500" style={{ width: `${value}%` }} />
        </div>
        {/* The configured value, visible while a draft differs from it. */}
        {moved ? (
          <div
            aria-hidden="true"
            title={`Configured now: ${configured} %`}
            className="absolute top-1/2 h-5 w-0.5 -translate-x-1/2 -translate-y-1/2 rounded bg-slate-500 dark:bg-slate-300"
            style={{ left: `${configured}%` }}
          />
        ) : null}
        <div
          ref={thumbRef}
          role="slider"
          tabIndex={disabled ? -1 : 0}
          aria-label="Green traffic (percent)"
          aria-valuemin={SLIDER_MIN}
          aria-valuemax={SLIDER_MAX}
          aria-valuenow={value}
          aria-valuetext={sliderValueText(value)}
          aria-disabled={disabled || undefined}
          aria-describedby={describedBy}
          onKeyDown={onKeyDown}
          className="absolute top-1/2 flex size-6 -translate-x-1/2 -translate-y-1/2 items-center justify-center rounded-full border-2 border-greenenv bg-white shadow-md outline-none focus-visible:ring-4 focus-visible:ring-teal-500/50 dark:border-emerald-400 dark:bg-slate-900"
          style={{ left: `${value}%` }}
        >
          <span aria-hidden="true" className="text-[9px] leading-none text-greenenv dark:text-emerald-400">
            ◆
          </span>
        </div>
      </div>
    </div>
  );
}
