/** Plans for engine tests (tests only): small, fixed, and in the shape the dns-weighted planner makes. */
import type { Plan } from "@/lib/domain/plan";

/** Rolls `appId` back: one Route 53 change, waited until INSYNC. */
export function rollbackToBluePlan(appId = "shop"): Plan {
  return {
    appId,
    pattern: "dns-weighted",
    intent: { kind: "rollback" },
    summary: "Roll back: all traffic to blue",
    before: { greenPercent: 25 },
    after: { greenPercent: 0 },
    steps: [
      {
        id: "weights-to-blue",
        title: "Set weights blue 100 / green 0",
        call: { service: "route53", operation: "ChangeResourceRecordSets", input: { HostedZoneId: "Z1", Comment: "rollback" } },
        wait: { kind: "route53-change-insync", timeoutMs: 120_000, pollMs: 2_000 },
      },
    ],
  };
}
