"use client";

import { useId } from "react";
import type { PatternId } from "@/lib/domain/basics";
import { patternLabel } from "@/components/format/format";
import { CONDITION_LABEL, type AppCondition, type OverviewFilter } from "./app-conditions";
import { OverviewSearch } from "./overview-search";

interface OverviewFiltersProps {
  value: OverviewFilter;
  patterns: readonly PatternId[];
  onChange: (value: OverviewFilter) => void;
  /** What is typed in the search box. */
  query: string;
  onQuery: (query: string) => void;
  shown: number;
  total: number;
}

const SELECT =
  "h-8 rounded-md border border-slate-300 bg-white px-2 text-sm text-slate-900 focus:border-teal-600 focus:ring-2 focus:ring-teal-600/30 focus:outline-none dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100";

/** Narrow the overview by a search, to one pattern and/or one condition (running, alarm, needs attention, healthy). */
export function OverviewFilters({ value, patterns, onChange, query, onQuery, shown, total }: OverviewFiltersProps) {
  const patternId = useId();
  const conditionId = useId();
  return (
    <div className="flex flex-wrap items-center gap-x-4 gap-y-2 text-sm" role="group" aria-label="Filter applications">
      <OverviewSearch value={query} onChange={onQuery} />
      <label htmlFor={patternId} className="flex items-center gap-2 text-slate-700 dark:text-slate-300">
        Pattern
        <select
          id={patternId}
          className={SELECT}
          value={value.pattern}
          onChange={(e) => onChange({ ...value, pattern: e.target.value as OverviewFilter["pattern"] })}
        >
          <option value="all">All patterns</option>
          {patterns.map((p) => (
            <option key={p} value={p}>
              {patternLabel(p)}
            </option>
          ))}
        </select>
      </label>
      <label htmlFor={conditionId} className="flex items-center gap-2 text-slate-700 dark:text-slate-300">
        State
        <select
          id={conditionId}
          className={SELECT}
          value={value.condition}
          onChange={(e) => onChange({ ...value, condition: e.target.value as OverviewFilter["condition"] })}
        >
          <option value="all">Any state</option>
          {(Object.keys(CONDITION_LABEL) as AppCondition[]).map((c) => (
            <option key={c} value={c}>
              {CONDITION_LABEL[c]}
            </option>
          ))}
        </select>
      </label>
      <span className="text-xs text-slate-500 tabular-nums dark:text-slate-400" aria-live="polite">
        {shown === total ? `${total} applications` : `${shown} of ${total} applications`}
      </span>
    </div>
  );
}
