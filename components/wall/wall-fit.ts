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
  const reasons = parts.filter((p) => p.dataset.fitReason !== undefined);
  const overflowing = () => tile.scrollHeight > tile.clientHeight + 1 || tile.scrollWidth > tile.clientWidth + 1;
  const show = (part: HTMLElement, shown: boolean) => {
    part.style.display = shown ? "" : "none";
    if (!more) return;
    const hidden = reasons.filter((r) => r.style.display === "none").length;
    const left = reasons.length - hidden;
    more.textContent = hidden === 0 ? "" : left > 0 ? `+${hidden} more` : `${hidden} ${hidden === 1 ? "reason" : "reasons"}: see Teal`;
    more.style.display = hidden === 0 ? "none" : "";
  };
  for (const part of parts) show(part, true);
  // Drop from the least important part until everything fits…
  const dropped: HTMLElement[] = [];
  for (const part of parts) {
    if (!overflowing()) break;
    show(part, false);
    dropped.push(part);
  }
  // …then bring back, most important first, what fits in the room a long part left behind.
  for (const part of dropped.reverse()) {
    show(part, true);
    if (overflowing()) show(part, false);
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
