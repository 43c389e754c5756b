import { describe, expect, it } from "vitest";
import { gridValueForKey, shareGrid, snappedPresets, snapToGrid } from "./share-grid";

describe("shareGrid", () => {
  it("gives every whole percentage for weights", () => {
    const grid = shareGrid(1);
    expect(grid).toHaveLength(101);
    expect(grid[0]).toBe(0);
    expect(grid[100]).toBe(100);
  });
  it("gives quarters for four instances and thirds (rounded) for three tasks", () => {
    expect(shareGrid(25)).toEqual([0, 25, 50, 75, 100]);
    expect(shareGrid(100 / 3)).toEqual([0, 33, 67, 100]);
  });
  it("treats an all-or-nothing pattern and nonsense as such", () => {
    expect(shareGrid(100)).toEqual([0, 100]);
    expect(shareGrid(Number.NaN)).toHaveLength(101);
  });
});

describe("snapToGrid and snappedPresets", () => {
  it("snaps to the nearest reachable share, ties down", () => {
    const grid = shareGrid(25);
    expect(snapToGrid(10, grid)).toBe(0);
    expect(snapToGrid(13, grid)).toBe(25);
    expect(snapToGrid(12.5, grid)).toBe(0);
    expect(snapToGrid(90, grid)).toBe(100);
  });
  it("drops presets that snap onto another", () => {
    expect(snappedPresets(shareGrid(25))).toEqual([0, 25, 50, 100]);
    expect(snappedPresets(shareGrid(1))).toEqual([0, 10, 25, 50, 100]);
    // 10 → 0, 25 → 33, 50 is halfway and goes down to 33: three presets remain.
    expect(snappedPresets(shareGrid(100 / 3))).toEqual([0, 33, 100]);
  });
});

describe("gridValueForKey", () => {
  const quarters = shareGrid(25);
  it("moves to the next reachable share with the arrows", () => {
    expect(gridValueForKey("ArrowRight", 25, quarters)).toBe(50);
    expect(gridValueForKey("ArrowLeft", 25, quarters)).toBe(0);
    expect(gridValueForKey("ArrowLeft", 0, quarters)).toBe(0);
    expect(gridValueForKey("ArrowUp", 100, quarters)).toBe(100);
  });
  it("moves at least ten points with Page Up/Down", () => {
    expect(gridValueForKey("PageUp", 0, quarters)).toBe(25);
    expect(gridValueForKey("PageUp", 0, shareGrid(1))).toBe(10);
    expect(gridValueForKey("PageDown", 75, quarters)).toBe(50);
  });
  it("behaves like the plain slider on a 1 % grid", () => {
    expect(gridValueForKey("ArrowRight", 10, shareGrid(1))).toBe(11);
    expect(gridValueForKey("End", 3, shareGrid(1))).toBe(100);
    expect(gridValueForKey("Enter", 3, shareGrid(1))).toBeNull();
  });
});
