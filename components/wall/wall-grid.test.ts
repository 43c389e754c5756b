import { describe, expect, it } from "vitest";
import { fitGrid, wallGrid } from "./wall-grid";

describe("wallGrid", () => {
  it("fits up to 4 × 3 tiles on a 1080p screen and fewer on smaller ones, never none", () => {
    expect(wallGrid(1920, 1080)).toEqual({ columns: 4, rows: 3 });
    expect(wallGrid(3840, 2160)).toEqual({ columns: 8, rows: 6 });
    expect(wallGrid(1280, 720)).toEqual({ columns: 2, rows: 1 });
    expect(wallGrid(300, 200)).toEqual({ columns: 1, rows: 1 });
  });
});

describe("fitGrid", () => {
  it("shrinks the grid to the cards on screen so few cards fill it", () => {
    expect(fitGrid({ columns: 4, rows: 2 }, 7)).toEqual({ columns: 4, rows: 2 });
    // The demo fleet of eight on a 1080p wall: two rows of tall tiles, not three short ones.
    expect(fitGrid(wallGrid(1920, 1080), 8)).toEqual({ columns: 4, rows: 2 });
    expect(fitGrid(wallGrid(1920, 1080), 12)).toEqual({ columns: 4, rows: 3 });
    expect(fitGrid({ columns: 4, rows: 2 }, 3)).toEqual({ columns: 3, rows: 1 });
    expect(fitGrid({ columns: 4, rows: 2 }, 0)).toEqual({ columns: 4, rows: 2 });
  });
});
