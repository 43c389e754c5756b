import { describe, expect, it } from "vitest";
import {
  DEFAULT_GREEN_THRESHOLDS,
  isGreenWorse,
  metricsUnavailableVerdict,
  oneProportionZ,
  thresholdJudge,
  twoProportionZ,
  windowLabel,
  type ColorWindow,
  type GreenJudgeInput,
} from "./green-verdict";

const judge = thresholdJudge();

function perColor(green: Partial<ColorWindow>, blue: Partial<ColorWindow>): GreenJudgeInput {
  const base: ColorWindow = { requests: 0, errors: 0, p99Ms: null, meanMs: null };
  return { kind: "per-color", windowMinutes: 5, green: { ...base, ...green }, blue: { ...base, ...blue } };
}

describe("the threshold judge", () => {
  it("calls green failing at 29.8 % 5xx against blue's 0.4 %, with both figures and the window", () => {
    // 5 minutes at 25 % green: 600 green requests, 179 of them 5xx; blue 1,800 with 7.
    const v = judge.judge(perColor({ requests: 600, errors: 179, p99Ms: 80, meanMs: 40 }, { requests: 1800, errors: 7, p99Ms: 85, meanMs: 42 }));
    expect(v.status).toBe("failing");
    expect(v.label).toBe("Green failing");
    expect(v.figures).toBe("green 5xx 29.8 % vs blue 0.4 %");
    expect(windowLabel(v)).toBe("last 5 min");
    expect(isGreenWorse(v)).toBe(true);
  });

  it("does not judge a handful of requests: not enough traffic yet", () => {
    // 6 of 20 answers failed: 30 %, but 20 requests say little.
    const v = judge.judge(perColor({ requests: 20, errors: 6 }, { requests: 1800, errors: 7 }));
    expect(v.status).toBe("insufficient");
    expect(v.label).toBe("Not enough traffic yet");
    expect(v.figures).toBe("green 20 requests, blue 1,800");
    expect(isGreenWorse(v)).toBe(false);
  });

  it("says honestly when the series are shared by both colours", () => {
    const v = judge.judge({ kind: "shared", why: "Blue and green share one load balancer." });
    expect(v.status).toBe("unavailable");
    expect(v.label).toBe("No per-colour metrics");
    expect(v.detail).toBe("Blue and green share one load balancer.");
    expect(v.windowMinutes).toBeNull();
    expect(isGreenWorse(v)).toBe(false);
  });

  it("needs significance: 1.5 % vs 0 % on 200 requests each is not failing (z ≈ 1.74)", () => {
    const z = twoProportionZ({ errors: 3, requests: 200 }, { errors: 0, requests: 200 });
    expect(z).toBeCloseTo(1.738, 2);
    expect(judge.judge(perColor({ requests: 200, errors: 3 }, { requests: 200, errors: 0 })).status).toBe("ok");
  });

  it("needs a minimum difference: 0.25 % vs 0.10 % over a million requests each is significant but OK", () => {
    const green = { requests: 1_000_000, errors: 2_500 };
    const blue = { requests: 1_000_000, errors: 1_000 };
    expect(twoProportionZ(green, blue)).toBeGreaterThan(DEFAULT_GREEN_THRESHOLDS.errorZ);
    const v = judge.judge(perColor(green, blue));
    expect(v.status).toBe("ok");
    expect(v.figures).toBe("green 5xx 0.3 % vs blue 0.1 %");
  });

  it("calls green failing at 3 % vs 0.5 % with 2,000 requests each (z ≈ 5.9, 2.5 points)", () => {
    const z = twoProportionZ({ errors: 60, requests: 2000 }, { errors: 10, requests: 2000 });
    expect(z).toBeCloseTo(6.03, 1);
    expect(judge.judge(perColor({ requests: 2000, errors: 60 }, { requests: 2000, errors: 10 })).status).toBe("failing");
  });

  it("calls green slower when its p99 is 1.5× blue's and 50 ms above it", () => {
    const v = judge.judge(perColor({ requests: 900, errors: 1, p99Ms: 420, meanMs: 60 }, { requests: 2700, errors: 3, p99Ms: 120, meanMs: 45 }));
    expect(v.status).toBe("slower");
    expect(v.figures).toBe("green p99 420 ms vs blue 120 ms");
    expect(isGreenWorse(v)).toBe(true);
  });

  it("calls green slower on the mean alone (1.3× and 20 ms)", () => {
    const v = judge.judge(perColor({ requests: 900, errors: 1, p99Ms: 130, meanMs: 95 }, { requests: 2700, errors: 3, p99Ms: 120, meanMs: 45 }));
    expect(v.status).toBe("slower");
    expect(v.figures).toBe("green mean 95 ms vs blue 45 ms");
  });

  it("does not call twice-as-slow slower when the gap is a few milliseconds", () => {
    const v = judge.judge(perColor({ requests: 900, errors: 1, p99Ms: 30, meanMs: 12 }, { requests: 2700, errors: 3, p99Ms: 15, meanMs: 6 }));
    expect(v.status).toBe("ok");
    expect(v.label).toBe("Green OK");
    expect(v.figures).toBe("green 5xx 0.1 % vs blue 0.1 % · p99 30 ms vs 15 ms");
  });

  it("errors come before latency: a failing green that is also slow is failing", () => {
    expect(judge.judge(perColor({ requests: 600, errors: 179, p99Ms: 900 }, { requests: 1800, errors: 7, p99Ms: 100 })).status).toBe("failing");
  });

  it("holds green to absolute limits when blue has no traffic (after a promote)", () => {
    expect(oneProportionZ({ errors: 300, requests: 2000 }, 0.05)).toBeCloseTo(20.5, 1);
    const failing = judge.judge(perColor({ requests: 2000, errors: 300 }, { requests: 0, errors: 0 }));
    expect(failing.status).toBe("failing");
    expect(failing.figures).toBe("green 5xx 15.0 % vs limit 5.0 %");
    const fine = judge.judge(perColor({ requests: 2000, errors: 40, p99Ms: 90 }, { requests: 12, errors: 0 }));
    expect(fine.status).toBe("ok");
    const slow = judge.judge(perColor({ requests: 2000, errors: 2, p99Ms: 2400 }, { requests: 0, errors: 0 }));
    expect(slow.status).toBe("slower");
    expect(slow.figures).toBe("green p99 2.40 s vs limit 1.50 s");
  });

  it("takes its thresholds from the caller", () => {
    const strict = thresholdJudge({ minRequests: 10, minErrorRateDiff: 0.001, errorZ: 1.64 });
    expect(strict.judge(perColor({ requests: 200, errors: 3 }, { requests: 200, errors: 0 })).status).toBe("failing");
    expect(thresholdJudge({ minRequests: 5000 }).judge(perColor({ requests: 600, errors: 179 }, { requests: 1800, errors: 7 })).status).toBe(
      "insufficient",
    );
  });
});

describe("metricsUnavailableVerdict", () => {
  it("judges nothing and says why, in the words it is given", () => {
    const verdict = metricsUnavailableVerdict("CloudWatch did not answer.");
    expect(verdict.status).toBe("unavailable");
    expect(verdict.label).toBe("Metrics unavailable");
    expect(verdict.detail).toContain("CloudWatch did not answer.");
    expect(verdict.figures).toBe("");
    expect([verdict.blue, verdict.green, verdict.windowMinutes]).toEqual([null, null, null]);
    // Not "worse", and not "OK" either: the screens show the label, the server asks no override for it.
    expect(isGreenWorse(verdict)).toBe(false);
  });
});
