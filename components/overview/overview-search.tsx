"use client";

import { useEffect, useId, useRef } from "react";

const INPUT =
  "h-8 w-72 max-w-full rounded-md border border-slate-300 bg-white pr-8 pl-2 text-sm text-slate-900 placeholder:text-slate-500 focus:border-teal-600 focus:ring-2 focus:ring-teal-600/30 focus:outline-none dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100 dark:placeholder:text-slate-400";

/** Whether a key press lands in something that takes text, where "/" must stay a character. */
function typingInto(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

/** The overview's search: name, id or pattern. "/" anywhere on the page focuses it; Escape clears it. */
export function OverviewSearch({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  const id = useId();
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || typingInto(e.target)) return;
      e.preventDefault();
      ref.current?.focus();
      ref.current?.select();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);
  return (
    <div className="flex items-center gap-2 text-sm text-slate-700 dark:text-slate-300">
      <label htmlFor={id}>Search</label>
      <span className="relative">
        <input
          ref={ref}
          id={id}
          type="search"
          className={INPUT}
          placeholder="Name, id or pattern"
          autoComplete="off"
          spellCheck={false}
          aria-keyshortcuts="/"
          value={value}
          onChange={(e) => onChange(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Escape" && value !== "") {
              e.preventDefault();
              onChange("");
            }
          }}
        />
        {value === "" ? (
          <kbd
            aria-hidden="true"
            className="pointer-events-none absolute top-1/2 right-2 -translate-y-1/2 rounded border border-slate-300 px-1 font-mono text-[11px] text-slate-600 dark:border-slate-600 dark:text-slate-300"
          >
            /
          </kbd>
        ) : null}
      </span>
    </div>
  );
}
