/**
 * The wall of a fleet: more applications than tiles fit on one screen (wall-grid.ts).
 *
 * Then the applications in trouble or in an operation are pinned as full tiles at the top, and the
 * rest is condensed into chips (name and status glyph, still 32 px) that turn in pages below them, so
 * that every application is on screen at least once a minute: a page stays up `60 s / pages` (at most
 * 15 s, at least 5 s), which shows every page within the minute for up to 12 pages. Pinned ones the
 * tile rows cannot hold become chips that stay; tile rows are given up, from the bottom, until the
 * chips that turn fit in 12 pages.
 *
 * Which chips a page shows is not a slice of a list by the clock: an application pinned or unpinned
 * would shift every later one by a place, and a large fleet, whose reads come late now and then,
 * does so all the time (one page of 200 missed every application it skipped that way). Each new page
 * shows the applications off screen longest instead, so none waits more than the pages there are,
 * whatever moved meanwhile. The planner is pure: what it must remember between renders it returns,
 * and the turn of a whole minute is played through in its unit test.
 */

import { WALL_CARD_MIN_HEIGHT, wallGrid, type WallGrid } from "./wall-grid";
import { isActiveStatus } from "@/lib/domain/operation-status";
import { wallStatus, type WallStatusInput } from "./wall-status";

/** Every application on screen at least once in this long. */
export const COVER_MS = 60_000;
/** A page of chips stays at most this long (the wall's old page time), and at least MIN so it can be read. */
export const MAX_DWELL_MS = 15_000;
export const MIN_DWELL_MS = 5_000;
/** The most pages that can all be shown within COVER_MS. */
export const MAX_PAGES = Math.floor(COVER_MS / MIN_DWELL_MS);

/**
 * A chip: one line of 32 px text with its glyph; three across a 1080p screen hold a long name. 46 px
 * with 6 px between rows: 17 rows under the pager on a 1080p screen (51 chips), so 32 problems can
 * stay pinned while 168 others still turn within the minute.
 */
export const CHIP_MIN_WIDTH = 560;
export const CHIP_HEIGHT = 46;
export const CHIP_GAP = 6;
/** The line above the chips that says which of them are on screen and when the next ones come. */
export const PAGER_LINE = 48;
const GAP = 16;
const PADDING_X = 48;
/** Status bar, page padding and the gap above the grid (as in wall-grid.ts), when the bar is one line. */
export const CHROME_Y = 110;

/**
 * Whether an application is pinned as a tile on a crowded wall, and how urgently: 0 FAILING, 1
 * SHIFTING, 2 STALE because AWS answered its reads with an error; null for the rest. When not every
 * pinned application fits, the most urgent stay.
 *
 * Not pinned: an application whose reads are merely late: held back by Teal's read budget, throttled
 * by AWS or not answered in time (`errorKind`). A large fleet's reads come late now and then (the
 * budget holds them back, a busy server or endpoint falls behind), so pinning them moved
 * applications in and out of the pins all the time and filled the screen with them; such a chip
 * says STALE in its turn. Nor the wall's own staleness (its polls failing or late), which turns
 * every tile STALE and is said by the banner: a stale wall would try to pin the whole fleet.
 */
export function pinRank(input: WallStatusInput): number | null {
  const status = wallStatus({ ...input, wall: { kind: "fresh", ageMs: 0 }, lastSuccessMs: input.nowMs });
  if (status.word === "FAILING") return 0;
  // An operation in flight stays pinned while its reads are late too.
  if (isActiveStatus(status.operation ? status.operation.status : input.app.operation?.status)) return 1;
  if (status.word === "STALE" && input.app.error !== null && input.app.errorKind !== "late") return 2;
  return null;
}

/** How long a page stays up when there are `pages` of them. */
export function dwellMs(pages: number): number {
  if (pages <= 1) return MAX_DWELL_MS;
  const share = Math.floor(COVER_MS / pages / 1000) * 1000;
  return Math.min(MAX_DWELL_MS, Math.max(MIN_DWELL_MS, share));
}

export interface Rotation {
  /** 1-based number of the page on screen, counted round by round (page 1 starts each round). */
  page: number;
  pages: number;
  dwellMs: number;
  /** Until the next page (ms). */
  nextInMs: number;
}

/**
 * What the wall remembers from one render to the next: the page of chips on screen, since when, and
 * when each application was last on screen (as a tile or a chip). Opaque outside this file.
 */
export interface TurnMemory {
  startedMs: number;
  dwellMs: number;
  pageKeys: readonly string[];
  /** Pages turned so far. */
  turns: number;
  lastShownMs: ReadonlyMap<string, number>;
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
      /** The chips of the turning page, in configuration order. */
      chips: T[];
      chipGrid: ChipGrid;
      rotation: Rotation;
      /** How many applications take turns in all. */
      turning: number;
    };

export interface WallPlanInput<T> {
  /** In trouble or in an operation, in configuration order. */
  pinned: readonly T[];
  /** Everything else, in configuration order. */
  rest: readonly T[];
  /**
   * How many of the first `pinned` stay on screen even when the others then cannot all be shown
   * within the minute (failing and shifting ones); the pinned after them give way to the minute
   * instead, and turn first. All of them by default.
   */
  urgent?: number;
  /** An application's stable identity (its id). */
  key: (item: T) => string;
  width: number;
  height: number;
  nowMs: number;
  /** What the previous render returned; null on the first. */
  memory: TurnMemory | null;
  /** At most this many applications per page (tiles, or turning chips); for small screens in tests. */
  perPage?: number | null;
  /** The height above the tiles and chips (px): more than CHROME_Y while the status bar's banner takes several lines. */
  chromeY?: number;
}

/** Kept from the minute for the wall's clock, which ticks once a second, and a look that comes late. */
const SLACK_MS = 2_000;

/**
 * The next page of turning chips: the `slots` applications that have been off screen longest (never
 * shown first), ties in configuration order, shown in configuration order. Each page so moves every
 * application it shows to the back of the queue: with N turning and `slots` a page, none waits more
 * than ceil(N / slots) - 1 pages, whatever was pinned or unpinned meanwhile (an application unpinned
 * was on screen as a tile, so it queues behind).
 *
 * And how long the page stays: the minute shared between the pages, but shorter when someone in the
 * queue would otherwise be off screen for more than the minute by the time their page comes (the
 * page size shrank while tiles were pinned, say, so more pages are ahead of them than when they were
 * last on screen). Never shorter than MIN_DWELL_MS.
 */
function nextPage<T>(
  list: readonly T[],
  key: (item: T) => string,
  slots: number,
  lastShownMs: ReadonlyMap<string, number>,
  nowMs: number,
): { page: T[]; dwellMs: number } {
  const order = list.map((item, index) => ({ item, index, shown: lastShownMs.get(key(item)) ?? Number.NEGATIVE_INFINITY }));
  order.sort((a, b) => a.shown - b.shown || a.index - b.index);
  let dwell = dwellMs(Math.ceil(list.length / Math.max(1, slots)));
  for (let rank = slots; rank < order.length; rank += 1) {
    const shown = order[rank]?.shown ?? Number.NEGATIVE_INFINITY;
    if (!Number.isFinite(shown)) continue;
    const pagesAhead = Math.floor(rank / slots);
    dwell = Math.min(dwell, Math.floor((COVER_MS - SLACK_MS - (nowMs - shown)) / pagesAhead / 1000) * 1000);
  }
  const page = order
    .slice(0, slots)
    .sort((a, b) => a.index - b.index)
    .map((o) => o.item);
  return { page, dwellMs: Math.max(MIN_DWELL_MS, dwell) };
}

/** What the wall shows now, and what to hand to the next render. */
export function planWall<T>({
  pinned,
  rest,
  urgent = pinned.length,
  key,
  width,
  height,
  nowMs,
  memory,
  perPage = null,
  chromeY = CHROME_Y,
}: WallPlanInput<T>): {
  plan: WallPlan<T>;
  memory: TurnMemory | null;
} {
  const grid = wallGrid(width, height);
  const limit = perPage !== null && perPage >= 1 ? Math.floor(perPage) : Number.POSITIVE_INFINITY;
  const tileCapacity = Math.min(grid.columns * grid.rows, limit);
  const total = pinned.length + rest.length;
  if (total <= tileCapacity) return { plan: { mode: "tiles" }, memory: null };

  const areaY = height - Math.max(CHROME_Y, chromeY);
  const rowPx = WALL_CARD_MIN_HEIGHT;
  const slotsFor = (tileRows: number) => {
    const tileCount = Math.min(pinned.length, grid.columns * tileRows, limit);
    const usedRows = Math.ceil(tileCount / grid.columns);
    const chips = chipGrid(width, areaY - usedRows * (rowPx + GAP) - PAGER_LINE);
    return { tileCount, usedRows, chips, slots: chips.columns * chips.rows };
  };
  /** With `tileRows` of tiles and `fixed` pinned chips that stay, whether every chip that turns is shown within the minute. */
  const layout = (tileRows: number, fixed: number) => {
    const s = slotsFor(tileRows);
    const turningSlots = Math.min(s.slots - fixed, limit);
    const turning = pinned.length - s.tileCount - fixed + rest.length;
    const covers = turningSlots >= 1 && Math.ceil(turning / turningSlots) <= MAX_PAGES;
    return { ...s, fixed, turningSlots, covers };
  };
  // The most tile rows (one row is always left for chips) with every pinned application on screen
  // and every chip that turns shown within the minute. When none holds both (a fleet with many
  // problems): no tile rows, and as many pinned chips as keep the minute for the others, the most
  // urgent first (`pinned` is ordered so). The urgent ones stay even past the minute, up to all the
  // chips but one row; the rest then turns more slowly, which the pager line says with its count.
  let choice: ReturnType<typeof layout> | null = null;
  for (let rows = grid.rows - 1; rows >= 0 && choice === null; rows -= 1) {
    const l = layout(rows, pinned.length - slotsFor(rows).tileCount);
    if (l.covers) choice = l;
  }
  if (choice === null) {
    const { slots, chips } = slotsFor(0);
    const most = Math.min(pinned.length, Math.max(0, slots - chips.columns));
    const least = Math.min(Math.max(0, urgent), most);
    let fixed = most;
    while (fixed > least && !layout(0, fixed).covers) fixed -= 1;
    choice = layout(0, fixed);
  }
  const fixed = pinned.slice(choice.tileCount, choice.tileCount + choice.fixed);
  const turningList = [...pinned.slice(choice.tileCount + choice.fixed), ...rest];
  const perTurn = Math.max(1, choice.turningSlots);
  const pages = Math.max(1, Math.ceil(turningList.length / perTurn));
  const tiles = pinned.slice(0, choice.tileCount);

  const lastShownMs = memory?.lastShownMs ?? new Map<string, number>();
  const due = memory === null || nowMs < memory.startedMs || nowMs >= memory.startedMs + memory.dwellMs;
  let chips: T[];
  let startedMs: number;
  let dwell: number;
  let turns: number;
  if (due) {
    const next = nextPage(turningList, key, perTurn, lastShownMs, nowMs);
    chips = next.page;
    // The next page starts when the last one was due, not at the render that noticed it (the clock
    // ticks once a second, so pages would each stay up to a second too long and the minute slip);
    // after a wall asleep or a clock jumped, now.
    const dueAt = memory === null ? nowMs : memory.startedMs + memory.dwellMs;
    startedMs = dueAt <= nowMs && nowMs - dueAt < MIN_DWELL_MS ? dueAt : nowMs;
    dwell = next.dwellMs;
    turns = memory === null ? 0 : memory.turns + 1;
  } else {
    // The page stays: less what was pinned meanwhile (it is a tile or a chip that stays now),
    // topped up from the queue when a chip's place came free.
    const onPage = new Set(memory.pageKeys);
    chips = turningList.filter((item) => onPage.has(key(item))).slice(0, perTurn);
    if (chips.length < perTurn) {
      const kept = new Set(chips.map(key));
      const more = nextPage(
        turningList.filter((item) => !kept.has(key(item))),
        key,
        perTurn - chips.length,
        lastShownMs,
        nowMs,
      ).page;
      const all = new Set([...kept, ...more.map(key)]);
      chips = turningList.filter((item) => all.has(key(item)));
    }
    startedMs = memory.startedMs;
    dwell = memory.dwellMs;
    turns = memory.turns;
  }

  const shown = new Map(lastShownMs);
  for (const item of [...tiles, ...fixed, ...chips]) shown.set(key(item), nowMs);
  // Forget applications no longer configured.
  const present = new Set([...pinned, ...rest].map(key));
  for (const k of shown.keys()) if (!present.has(k)) shown.delete(k);

  return {
    plan: {
      mode: "condensed",
      tiles,
      tileGrid: { columns: grid.columns, rows: choice.usedRows },
      tileRowPx: rowPx,
      pinnedChips: fixed,
      chips,
      chipGrid: choice.chips,
      rotation: { page: (turns % pages) + 1, pages, dwellMs: dwell, nextInMs: Math.max(0, startedMs + dwell - nowMs) },
      turning: turningList.length,
    },
    memory: { startedMs, dwellMs: dwell, pageKeys: chips.map(key), turns, lastShownMs: shown },
  };
}
