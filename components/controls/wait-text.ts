import type { WaitCondition } from "@/lib/domain/types";
import { formatDurationSeconds } from "@/components/format/format";

/** One line describing what the engine waits for after a step's call. */
export function describeWait(wait: WaitCondition): string {
  const timeout = formatDurationSeconds(wait.timeoutMs / 1000);
  const poll = formatDurationSeconds(wait.pollMs / 1000);
  switch (wait.kind) {
    case "route53-change-insync":
      return `Wait until Route 53 reports the change INSYNC (GetChange every ${poll}, timeout ${timeout})`;
    case "elb-in-service":
      return `Wait until ${wait.minInService === 1 ? "1 instance is" : `${wait.minInService} instances are`} InService on ${wait.loadBalancerName} (every ${poll}, timeout ${timeout})`;
    default: {
      const unknown: { kind: string } = wait;
      return `Wait for ${unknown.kind}`;
    }
  }
}
