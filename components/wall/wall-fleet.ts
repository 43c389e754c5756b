/**
 * The wall of a fleet: more applications than tiles fit on one screen (wall-grid.ts).
 *
 * Then the applications in trouble or in an operation are pinned as full tiles at the top, and the
 * rest is condensed into chips (name and status glyph, still 32 px) that turn in pages below them, so
 * that every application is on screen at least once a minute: a page stays up `60 s / pages` (at most
 * 15 s, at least 5 s), which shows every page within the minute for up to 12 pages. Pinned ones the
 * tile rows cannot hold become chips that stay; tile rows are given up, from the bottom, until the
 * chips that turn fit in 12 pages. Pure, so the minute is proved in the unit test.
 *
 * The page on screen follows the clock (`floor(now / dwell) mod pages`): any 60 s contains every
 * page, whenever one starts watching, as long as the number of pages does not change meanwhile.
 */

import { WALL_CARD_MIN_HEIGHT, wallGrid, type WallGrid } from "./wall-grid";
import { wallStatus, type WallStatusInput } from "./wall-status";

/** Every application on screen at least once in this long. */
export const COVER_MS = 60_000;
/** A page of chips stays at most this long (the wall's old page time), and at least MIN so it can be read. */
export const MAX_DWELL_MS = 15_000;
export const MIN_DWELL_MS = 5_000;
/** The most pages that can all be shown within COVER_MS. */
export const MAX_PAGES = Math.floor(COVER_MS / MIN_DWELL_MS);

/** A chip: one line of 32 px text with its glyph; three across a 1080p screen hold a long name. */
export const CHIP_MIN_WIDTH = 560;
export const CHIP_HEIGHT = 52;
export const CHIP_GAP = 8;
/** The line above the chips that says which of them are on screen and when the next ones come. */
export const PAGER_LINE = 48;
const GAP = 16;
const PADDING_X = 48;
/** Status bar, page padding and the gap above the grid (as in wall-grid.ts), when the bar is one line. */
export const CHROME_Y = 110;

/**
 * Whether an application is pinned as a tile on a crowded wall: its status word is not OK on its own
 * data. The wall's own staleness (its polls failing or late) turns every tile STALE and is said by
 * the banner; it pins nothing, or a stale wall would try to pin the whole fleet.
 */
export function pinnedOnWall(input: WallStatusInput): boolean {
  return wallStatus({ ...input, wall: { kind: "fresh", ageMs: 0 }, lastSuccessMs: input.nowMs }).word !== "OK";
}

/** How long a page stays up when there are `pages` of them. */
export function dwellMs(pages: number): number {
  if (pages <= 1) return MAX_DWELL_MS;
  const share = Math.floor(COVER_MS / pages / 1000) * 1000;
  return Math.min(MAX_DWELL_MS, Math.max(MIN_DWELL_MS, share));
}

export interface Rotation {
  /** 0-based page on screen now. */
  page: number;
  pages: number;
  dwellMs: number;
  /** Until the next page (ms). */
  nextInMs: number;
}

/** The page on screen at `nowMs` when there are `pages`. */
export function rotationAt(nowMs: number, pages: number): Rotation {
  const count = Math.max(1, pages);
  const dwell = dwellMs(count);
  const turn = Math.floor(nowMs / dwell);
  return { page: ((turn % count) + count) % count, pages: count, dwellMs: dwell, nextInMs: dwell - (nowMs - turn * dwell) };
}

export interface ChipGrid {
  columns: number;
  rows: number;
}

/** Chips that fit across `width` and into `height` px. */
export function chipGrid(width: number, height: number): ChipGrid {
  const columns = Math.max(1, Math.floor((width - PADDING_X + CHIP_GAP) / (CHIP_MIN_WIDTH + CHIP_GAP)));
  const rows = Math.max(0, Math.floor((height + CHIP_GAP) / (CHIP_HEIGHT + CHIP_GAP)));
  return { columns, rows };
}

export type WallPlan<T> =
  /** Everything fits as tiles: the wall as it always was, in configuration order. */
  | { mode: "tiles" }
  | {
      mode: "condensed";
      /** Pinned applications shown as full tiles, in rows of `tileGrid.columns`. */
      tiles: T[];
      tileGrid: WallGrid;
      /** Tile rows' height (px), each. */
      tileRowPx: number;
      /** Pinned applications beyond the tile rows: chips that always stay. */
      pinnedChips: T[];
      /** The chips of the turning page, and where they are in the whole list. */
      chips: T[];
      chipGrid: ChipGrid;
      rotation: Rotation;
      /** 1-based positions of the turning chips shown, and how many turn in all. */
      first: number;
      last: number;
      turning: number;
    };

export interface WallPlanInput<T> {
  /** In trouble or in an operation, in configuration order. */
  pinned: readonly T[];
  /** Everything else, in configuration order. */
  rest: readonly T[];
  width: number;
  height: number;
  nowMs: number;
  /** At most this many applications per page (tiles, or turning chips); for small screens in tests. */
  perPage?: number | null;
  /** The height above the tiles and chips (px): more than CHROME_Y while the status bar's banner takes several lines. */
  chromeY?: number;
}

/** What the wall shows now. */
export function planWall<T>({ pinned, rest, width, height, nowMs, perPage = null, chromeY = CHROME_Y }: WallPlanInput<T>): WallPlan<T> {
  const grid = wallGrid(width, height);
  const limit = perPage !== null && perPage >= 1 ? Math.floor(perPage) : Number.POSITIVE_INFINITY;
  const tileCapacity = Math.min(grid.columns * grid.rows, limit);
  const total = pinned.length + rest.length;
  if (total <= tileCapacity) return { mode: "tiles" };

  const areaY = height - Math.max(CHROME_Y, chromeY);
  const rowPx = WALL_CARD_MIN_HEIGHT;
  const planFor = (tileRows: number) => {
    const tileCount = Math.min(pinned.length, grid.columns * tileRows, limit);
    const usedRows = Math.ceil(tileCount / grid.columns);
    const chipsY = areaY - usedRows * (rowPx + GAP) - PAGER_LINE;
    const chips = chipGrid(width, chipsY);
    const slots = chips.columns * chips.rows;
    const pinnedChips = pinned.length - tileCount;
    const turningSlots = Math.min(slots - pinnedChips, limit);
    return { tileCount, usedRows, chips, pinnedChips, turningSlots };
  };
  // The most tile rows (one row is always left for chips) whose chips all turn within the minute.
  let choice = planFor(0);
  for (let rows = grid.rows - 1; rows >= 0; rows -= 1) {
    const p = planFor(rows);
    if (p.turningSlots >= 1 && Math.ceil(rest.length / p.turningSlots) <= MAX_PAGES) {
      choice = p;
      break;
    }
  }
  // Too many problems for the chips that stay: they turn too, first, with the rest.
  const fixed = choice.turningSlots >= 1 ? pinned.slice(choice.tileCount) : [];
  const turningList = choice.turningSlots >= 1 ? [...rest] : [...pinned.slice(choice.tileCount), ...rest];
  const perTurn = Math.max(1, choice.turningSlots >= 1 ? choice.turningSlots : Math.min(choice.chips.columns * choice.chips.rows, limit));
  const pages = Math.max(1, Math.ceil(turningList.length / perTurn));
  const rotation = rotationAt(nowMs, pages);
  const start = rotation.page * perTurn;
  const chips = turningList.slice(start, start + perTurn);
  return {
    mode: "condensed",
    tiles: pinned.slice(0, choice.tileCount),
    tileGrid: { columns: grid.columns, rows: choice.usedRows },
    tileRowPx: rowPx,
    pinnedChips: fixed,
    chips,
    chipGrid: choice.chips,
    rotation,
    first: chips.length === 0 ? 0 : start + 1,
    last: start + chips.length,
    turning: turningList.length,
  };
}
