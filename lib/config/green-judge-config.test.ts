import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { thresholdJudge } from "@/lib/domain/green-verdict";
import { parseTealConfig } from "./load";

const base = readFileSync("teal.config.yaml", "utf8");

describe("greenJudge in teal.config.yaml", () => {
  it("is optional: the default file has none and the judge uses its defaults", () => {
    expect(parseTealConfig(base).greenJudge).toBeUndefined();
  });

  it("tunes the default judge: with minRequests 10 a 20-request sample is judged", () => {
    const cfg = parseTealConfig(`${base}\ngreenJudge:\n  minRequests: 10\n  maxErrorRate: 0.02\n`);
    expect(cfg.greenJudge).toEqual({ minRequests: 10, maxErrorRate: 0.02 });
    const input = {
      kind: "per-color" as const,
      windowMinutes: 5,
      green: { requests: 20, errors: 12, p99Ms: null, meanMs: null },
      blue: { requests: 400, errors: 1, p99Ms: null, meanMs: null },
    };
    expect(thresholdJudge().judge(input).status).toBe("insufficient");
    expect(thresholdJudge(cfg.greenJudge).judge(input).status).toBe("failing");
  });

  it("refuses an unknown or out-of-range threshold, naming the field", () => {
    expect(() => parseTealConfig(`${base}\ngreenJudge:\n  minRequest: 10\n`)).toThrow(/greenJudge/);
    expect(() => parseTealConfig(`${base}\ngreenJudge:\n  maxErrorRate: 3\n`)).toThrow(/greenJudge\.maxErrorRate/);
  });
});
