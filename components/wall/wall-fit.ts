"use client";

import { useEffect, useLayoutEffect, type RefObject } from "react";

/**
 * Fewer details, never clipped text: a wall tile has the height its grid cell gives it. After each
 * render, every part marked `data-fit="N"` is shown, and while the tile's content is taller (or
 * wider) than the tile, the part with the highest N is hidden, then the next. Parts marked
 * `data-fit-reason` are reasons under the status word: when some are hidden, the element marked
 * `data-fit-more` says how many ("+2 more"). Parts without `data-fit` (name, status word) always stay.
 */
export function fitTile(tile: HTMLElement): void {
  const parts = [...tile.querySelectorAll<HTMLElement>("[data-fit]")].sort((a, b) => Number(b.dataset.fit) - Number(a.dataset.fit));
  const more = tile.querySelector<HTMLElement>("[data-fit-more]");
  for (const part of parts) part.style.display = "";
  if (more) more.style.display = "none";
  const reasons = tile.querySelectorAll("[data-fit-reason]").length;
  const overflowing = () => tile.scrollHeight > tile.clientHeight + 1 || tile.scrollWidth > tile.clientWidth + 1;
  let hiddenReasons = 0;
  for (const part of parts) {
    if (!overflowing()) return;
    part.style.display = "none";
    if (part.dataset.fitReason === undefined || !more) continue;
    hiddenReasons += 1;
    const shown = reasons - hiddenReasons;
    more.textContent = shown > 0 ? `+${hiddenReasons} more` : `${hiddenReasons} ${hiddenReasons === 1 ? "reason" : "reasons"}: see Teal`;
    more.style.display = "";
  }
}

/** Fits the tile after every render and whenever its size changes. */
export function useFitTile(ref: RefObject<HTMLElement | null>): void {
  useLayoutEffect(() => {
    if (ref.current) fitTile(ref.current);
  });
  useEffect(() => {
    const tile = ref.current;
    if (!tile || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(() => fitTile(tile));
    observer.observe(tile);
    // Web fonts that arrive late change every line's width.
    void document.fonts?.ready.then(() => fitTile(tile));
    return () => observer.disconnect();
  }, [ref]);
}
