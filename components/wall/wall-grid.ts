/** How many application cards fit on one wall page, readable from across the room. */

/** A card narrower or shorter than this would need smaller type than a wall allows. */
export const WALL_CARD_MIN_WIDTH = 440;
export const WALL_CARD_MIN_HEIGHT = 430;
const GAP = 24;
const PADDING_X = 64;
/** Status bar and page padding above and below the grid. */
const CHROME_Y = 140;

export interface WallGrid {
  columns: number;
  rows: number;
}

/** Columns and rows for a viewport; at least one card always shows. */
export function wallGrid(width: number, height: number): WallGrid {
  const columns = Math.max(1, Math.floor((width - PADDING_X + GAP) / (WALL_CARD_MIN_WIDTH + GAP)));
  const rows = Math.max(1, Math.floor((height - CHROME_Y + GAP) / (WALL_CARD_MIN_HEIGHT + GAP)));
  return { columns, rows };
}

/** The items of page `page` (0-based, wrapped) when `perPage` fit on one page. */
export function pageOf<T>(items: readonly T[], page: number, perPage: number): { items: T[]; page: number; pages: number } {
  const size = Math.max(1, perPage);
  const pages = Math.max(1, Math.ceil(items.length / size));
  const current = ((page % pages) + pages) % pages;
  return { items: items.slice(current * size, current * size + size), page: current, pages };
}

/**
 * Balances the grid to the items on screen: seven apps on a 4×2 page use 4 columns, three use 3,
 * so a short list fills the screen instead of leaving a ragged corner.
 */
export function fitGrid(grid: WallGrid, count: number): WallGrid {
  if (count <= 0) return grid;
  const columns = Math.min(grid.columns, count);
  const rows = Math.min(grid.rows, Math.ceil(count / columns));
  return { columns, rows };
}
