"use client";

import { useId } from "react";

interface ReasonFieldProps {
  value: string;
  onChange: (value: string) => void;
  /** Required: the confirm button waits for it. Optional: the label says so (the rollback). */
  required: boolean;
  placeholder?: string;
  /** Takes focus when the dialog opens (where the dialog's main button does not). */
  autoFocus?: boolean;
}

/** The reason a confirm dialog records in the audit log with the operation. */
export function ReasonField({ value, onChange, required, placeholder, autoFocus = false }: ReasonFieldProps) {
  const id = useId();
  const helpId = useId();
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-900 dark:text-slate-100">
        Reason {required ? null : <span className="font-normal text-slate-500 dark:text-slate-400">(optional)</span>}
      </label>
      {required ? (
        <p id={helpId} className="text-xs text-slate-500 dark:text-slate-400">
          Recorded in the audit log and shown on the charts.
        </p>
      ) : null}
      <textarea
        id={id}
        aria-describedby={required ? helpId : undefined}
        required={required}
        data-autofocus={autoFocus || undefined}
        rows={2}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder={placeholder}
        className="mt-1.5 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 shadow-xs placeholder:text-slate-400 focus:border-teal-600 focus:ring-2 focus:ring-teal-600/30 focus:outline-none dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100"
      />
    </div>
  );
}
