import { describe, expect, it } from "vitest";
import { thresholdJudge } from "@/lib/domain/green-verdict";
import { splitRating } from "@/components/ecs/ecs-look";
import { dnsWeightedDescription } from "@/lib/patterns/dns-weighted";
import { applicationIssuesRisk, VERDICT_LOOK, verdictSentence } from "./verdict-look";

const judge = thresholdJudge();
const failing = judge.judge({
  kind: "per-color",
  windowMinutes: 5,
  green: { requests: 600, errors: 179, p99Ms: 80, meanMs: 40 },
  blue: { requests: 1800, errors: 7, p99Ms: 85, meanMs: 42 },
});
const ok = judge.judge({
  kind: "per-color",
  windowMinutes: 5,
  green: { requests: 600, errors: 1, p99Ms: 80, meanMs: 40 },
  blue: { requests: 1800, errors: 2, p99Ms: 85, meanMs: 42 },
});
const shared = judge.judge({ kind: "shared", why: "Blue and green share one load balancer." });
const quiet = judge.judge({
  kind: "per-color",
  windowMinutes: 5,
  green: { requests: 0, errors: 0, p99Ms: null, meanMs: null },
  blue: { requests: 1800, errors: 2, p99Ms: 85, meanMs: 42 },
});

describe("the verdict's look", () => {
  it("says the verdict with both figures and the window", () => {
    expect(verdictSentence(failing)).toBe("Green failing: green 5xx 29.8 % vs blue 0.4 % (last 5 min)");
    expect(verdictSentence(shared)).toBe("No per-colour metrics");
  });

  it("colours by status only: red failing, amber slower, neutral when unknown", () => {
    expect(VERDICT_LOOK.failing.tone).toBe("danger");
    expect(VERDICT_LOOK.slower.tone).toBe("warning");
    expect(VERDICT_LOOK.insufficient.tone).toBe("neutral");
    expect(VERDICT_LOOK.unavailable.tone).toBe("neutral");
  });
});

describe("the risk review's application issues", () => {
  const text = dnsWeightedDescription.risks.applicationIssues;

  it("is Poor, with the figures, while green is failing (the pattern text alone said Good)", () => {
    expect(splitRating(text).rating).toBe("Good");
    const risk = splitRating(applicationIssuesRisk(text, failing));
    expect(risk.rating).toBe("Poor");
    expect(risk.detail).toMatch(/^Green failing: green 5xx 29\.8 % vs blue 0\.4 % \(last 5 min\)\./);
  });

  it("is Good when green is judged OK, and has no rating when green cannot be judged", () => {
    expect(splitRating(applicationIssuesRisk(text, ok)).rating).toBe("Good");
    expect(splitRating(applicationIssuesRisk(text, quiet))).toMatchObject({
      rating: null,
      detail: expect.stringMatching(/^Not judged yet: not enough traffic yet/),
    });
    expect(splitRating(applicationIssuesRisk(text, shared))).toMatchObject({
      rating: null,
      detail: expect.stringMatching(/^Not judged: Blue and green share/),
    });
  });
});
