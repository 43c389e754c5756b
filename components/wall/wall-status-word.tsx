import type { WallStatusWord } from "./wall-status";

/** Colour means status; every word also has its glyph, so it reads without colour. */
export const WORD_LOOK: Record<WallStatusWord, { icon: string; box: string; border: string }> = {
  OK: {
    icon: "✓",
    box: "text-teal-800 dark:text-teal-300",
    border: "border-2 border-slate-300 dark:border-slate-700",
  },
  SHIFTING: {
    icon: "↻",
    box: "bg-sky-700 text-white",
    border: "border-4 border-sky-600 dark:border-sky-400",
  },
  FAILING: {
    icon: "✕",
    box: "bg-rose-700 text-white",
    border: "border-4 border-rose-600 dark:border-rose-500",
  },
  STALE: {
    icon: "◷",
    box: "bg-amber-300 text-slate-950",
    border: "border-4 border-amber-500 dark:border-amber-300",
  },
};

/** The one large word a person across the room reads first. */
export function WallStatusWordBlock({ word }: { word: WallStatusWord }) {
  const look = WORD_LOOK[word];
  return (
    <p
      data-status-word={word}
      className={`flex items-center gap-3 rounded-xl px-3 py-1 text-[56px] leading-none font-black tracking-tight ${look.box}`}
    >
      <span aria-hidden="true">{look.icon}</span>
      {word}
    </p>
  );
}
