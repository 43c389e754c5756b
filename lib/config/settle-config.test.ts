import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseTealConfig } from "./load";

const base = readFileSync("teal.config.yaml", "utf8");

describe("settleTolerancePoints in teal.config.yaml", () => {
  it("is optional (the settle phase then uses 5 points) and takes a number of points", () => {
    expect(parseTealConfig(base).settleTolerancePoints).toBeUndefined();
    expect(parseTealConfig(`${base}\nsettleTolerancePoints: 2\n`).settleTolerancePoints).toBe(2);
  });

  it("refuses a tolerance out of range, naming the field", () => {
    expect(() => parseTealConfig(`${base}\nsettleTolerancePoints: 0\n`)).toThrow(/settleTolerancePoints/);
    expect(() => parseTealConfig(`${base}\nsettleTolerancePoints: 80\n`)).toThrow(/settleTolerancePoints/);
  });
});
