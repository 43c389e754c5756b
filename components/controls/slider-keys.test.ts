import { describe, expect, it } from "vitest";
import { clampPercent, sliderValueText, valueAtPointer, valueForKey } from "./slider-keys";

describe("valueForKey", () => {
  it("moves by one with the arrow keys", () => {
    expect(valueForKey("ArrowRight", 10)).toBe(11);
    expect(valueForKey("ArrowUp", 10)).toBe(11);
    expect(valueForKey("ArrowLeft", 10)).toBe(9);
    expect(valueForKey("ArrowDown", 10)).toBe(9);
  });
  it("moves by ten with PageUp and PageDown", () => {
    expect(valueForKey("PageUp", 10)).toBe(20);
    expect(valueForKey("PageDown", 10)).toBe(0);
  });
  it("jumps to the ends with Home and End", () => {
    expect(valueForKey("Home", 42)).toBe(0);
    expect(valueForKey("End", 42)).toBe(100);
  });
  it("stays within 0..100", () => {
    expect(valueForKey("ArrowLeft", 0)).toBe(0);
    expect(valueForKey("PageUp", 95)).toBe(100);
  });
  it("ignores other keys (Enter commits, it does not move)", () => {
    expect(valueForKey("Enter", 10)).toBeNull();
    expect(valueForKey("a", 10)).toBeNull();
  });
});

describe("valueAtPointer", () => {
  it("maps the pointer position on the track to a whole percentage", () => {
    expect(valueAtPointer(150, 100, 200)).toBe(25);
    expect(valueAtPointer(100, 100, 200)).toBe(0);
    expect(valueAtPointer(301, 100, 200)).toBe(100);
  });
  it("clamps outside the track and survives a zero-width track", () => {
    expect(valueAtPointer(0, 100, 200)).toBe(0);
    expect(valueAtPointer(500, 100, 200)).toBe(100);
    expect(valueAtPointer(150, 100, 0)).toBe(0);
  });
});

describe("clampPercent", () => {
  it("rounds to whole percentages", () => {
    expect(clampPercent(24.6)).toBe(25);
    expect(clampPercent(Number.NaN)).toBe(0);
  });
});

describe("sliderValueText", () => {
  it("names both colours", () => {
    expect(sliderValueText(25)).toBe("25 % green, 75 % blue");
  });
});
