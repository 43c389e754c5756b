/**
 * How many application tiles fit on one wall screen, readable from across the room.
 *
 * The layout rule, for a 55" screen at 1920 × 1080 seen from about 5 m: no text under 32 px, so a
 * tile needs about 440 px of width for its status word and one figure per colour. The practice
 * range's demo fleet (8 applications) fits as 4 × 2 tiles with every detail: name, status word,
 * reasons, split, health per colour and the per-colour 5xx sparkline. A larger fleet first gets a
 * third row of shorter tiles (at least 300 px: name, status word and the first reason or a count
 * of them), each tile giving up its least important details rather than shrinking its type
 * (wall-fit.ts). Beyond 12 applications at 1080p, those in trouble stay as tiles and the rest are
 * condensed into chips that turn in pages (wall-fleet.ts).
 */

/** A tile narrower or shorter than this would need smaller type than a wall allows. */
export const WALL_CARD_MIN_WIDTH = 440;
export const WALL_CARD_MIN_HEIGHT = 300;
const GAP = 16;
const PADDING_X = 48;
/** Status bar, page padding and the gap above the grid. */
const CHROME_Y = 110;

export interface WallGrid {
  columns: number;
  rows: number;
}

/** Columns and rows for a viewport; at least one tile always shows. */
export function wallGrid(width: number, height: number): WallGrid {
  const columns = Math.max(1, Math.floor((width - PADDING_X + GAP) / (WALL_CARD_MIN_WIDTH + GAP)));
  const rows = Math.max(1, Math.floor((height - CHROME_Y + GAP) / (WALL_CARD_MIN_HEIGHT + GAP)));
  return { columns, rows };
}

/**
 * Balances the grid to the items on screen: eight apps on a 4×3 screen use 4 × 2 (taller tiles with
 * every detail), three use 3 × 1, so a short list fills the screen instead of leaving a ragged corner.
 */
export function fitGrid(grid: WallGrid, count: number): WallGrid {
  if (count <= 0) return grid;
  const columns = Math.min(grid.columns, count);
  const rows = Math.min(grid.rows, Math.ceil(count / columns));
  return { columns, rows };
}
