"use client";

export const RANGE_OPTIONS = [
  { minutes: 60, label: "1h" },
  { minutes: 180, label: "3h" },
  { minutes: 720, label: "12h" },
  { minutes: 1440, label: "24h" },
] as const;

export type RangeMinutes = (typeof RANGE_OPTIONS)[number]["minutes"];

interface RangePickerProps {
  value: RangeMinutes;
  onChange: (value: RangeMinutes) => void;
}

/** Segmented control for the charts' time range. */
export function RangePicker({ value, onChange }: RangePickerProps) {
  return (
    <div
      role="group"
      aria-label="Chart range"
      className="inline-flex rounded-md bg-slate-100 p-0.5 ring-1 ring-slate-200 dark:bg-slate-800 dark:ring-slate-700"
    >
      {RANGE_OPTIONS.map((option) => {
        const selected = option.minutes === value;
        return (
          <button
            key={option.minutes}
            type="button"
            aria-pressed={selected}
            onClick={() => onChange(option.minutes)}
            className={`h-7 min-w-10 rounded px-2.5 text-xs font-medium tabular-nums focus-visible:outline-2 focus-visible:outline-teal-600 ${
              selected
                ? "bg-white text-slate-900 shadow-sm dark:bg-slate-950 dark:text-slate-100"
                : "text-slate-600 hover:text-slate-900 dark:text-slate-400 dark:hover:text-slate-100"
            }`}
          >
            {option.label}
          </button>
        );
      })}
    </div>
  );
}
