import type { AppSummary } from "@/lib/domain/snapshot";
import type { WallStatusWord } from "./wall-status";
import { WORD_LOOK } from "./wall-status-word";

const CHIP_BORDER: Record<WallStatusWord, string> = {
  OK: "border-2 border-slate-300 dark:border-slate-700",
  SHIFTING: "border-4 border-sky-600 dark:border-sky-400",
  FAILING: "border-4 border-rose-600 dark:border-rose-500",
  STALE: "border-4 border-amber-500 dark:border-amber-300",
};

/**
 * One application condensed on a crowded wall: its status glyph (in its word's colours) and its name,
 * at the wall's 32 px. The word itself is read out, not drawn; the glyph and the colour carry it.
 */
export function WallChip({ app, word }: { app: AppSummary; word: WallStatusWord }) {
  const look = WORD_LOOK[word];
  return (
    <div
      data-status={word}
      className={`flex h-full min-w-0 items-center gap-3 rounded-xl bg-white pr-3 pl-1.5 text-slate-900 dark:bg-slate-900 dark:text-white ${CHIP_BORDER[word]}`}
    >
      <span
        aria-hidden="true"
        className={`flex h-9 w-9 shrink-0 items-center justify-center rounded-lg text-[32px] leading-none font-black ${look.box}`}
      >
        {look.icon}
      </span>
      {/* One line always: a chip's row is 46 px; a name too long for it ends in an ellipsis. */}
      <span className="min-w-0 truncate text-[32px] leading-tight font-semibold">
        {app.name}
        <span className="sr-only">: {word}</span>
      </span>
    </div>
  );
}
