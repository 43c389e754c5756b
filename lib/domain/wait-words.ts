import type { WaitCondition, WaitConditionKind } from "./plan";

// What a wait condition waits for, in words: one wording for the plan preview, the operation panel
// and the journal, so a step reads the same before, during and after it runs.

/** The name part of a target group ARN (…:targetgroup/<name>/<id>); the ARN itself never shows. */
export function targetGroupName(arn: string): string {
  const resource = arn.split(":").pop() ?? arn;
  const parts = resource.split("/");
  return parts.length >= 2 && parts[0] === "targetgroup" ? (parts[1] ?? resource) : resource;
}

/** "1 instance", "2 instances". */
export function countOf(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Seconds or minutes, as a person would say them: "5 s", "1.5 s", "2 min", "1 min 30 s". */
export function spokenDuration(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return Number.isInteger(s) ? `${s} s` : `${s.toFixed(1)} s`;
  const minutes = Math.floor(s / 60);
  const rest = Math.round(s - minutes * 60);
  return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
}

function weightsText(weights: Record<string, number>, name: (key: string) => string = (k) => k): string {
  return Object.entries(weights)
    .map(([key, weight]) => `${name(key)} ${weight}`)
    .join(" / ");
}

/** Each kind of wait condition, by its kind ("tg-healthy" → its shape). */
type WaitByKind = { [W in WaitConditionKind as W["kind"]]: W };

/** Every kind of wait the engine knows. */
export type WaitKind = keyof WaitByKind;

interface WaitWording<W> {
  /** What is waited for, to follow "waiting for …" or "Wait for …". */
  target: (wait: W) => string;
  /** The AWS read that checks it, shown in the plan preview ("DescribeTargetHealth"). */
  probe: string;
}

/**
 * The words of every kind of wait. A record over the whole union: a kind added to WaitCondition
 * without its words does not compile, so no raw kind ("tg-healthy") can reach a page.
 */
export const WAIT_WORDS: { [K in WaitKind]: WaitWording<WaitByKind[K]> } = {
  "route53-change-insync": {
    target: () => "Route 53 to report the change INSYNC",
    probe: "GetChange",
  },
  "elb-in-service": {
    target: (wait) =>
      wait.instanceIds
        ? `all ${countOf(wait.instanceIds.length, "instance")} to be InService behind ${wait.loadBalancerName}`
        : `${countOf(wait.minInService, "instance")} to be InService behind ${wait.loadBalancerName}`,
    probe: "DescribeInstanceHealth",
  },
  "asg-in-service": {
    target: (wait) => `${countOf(wait.minInService, "instance")} to be InService in ${wait.groupName}${wait.launch ? ` on ${wait.launch}` : ""}`,
    probe: "DescribeAutoScalingGroups",
  },
  "asg-instances-state": {
    target: (wait) =>
      wait.lifecycleState === "Terminated"
        ? `${countOf(wait.instanceIds.length, "instance")} to leave ${wait.groupName}`
        : `${countOf(wait.instanceIds.length, "instance")} to be ${wait.lifecycleState} in ${wait.groupName}`,
    probe: "DescribeAutoScalingGroups",
  },
  "asg-traffic-source": {
    target: (wait) => `${wait.groupName} to show traffic source ${wait.identifier} ${wait.state}`,
    probe: "DescribeTrafficSources",
  },
  "tg-healthy": {
    target: (wait) => {
      const name = targetGroupName(wait.targetGroupArn);
      return wait.targetIds
        ? `all ${countOf(wait.targetIds.length, "target")} to be healthy in target group ${name}`
        : `${countOf(wait.minHealthy, "target")} to be healthy in target group ${name}`;
    },
    probe: "DescribeTargetHealth",
  },
  "ecs-steady": {
    target: (wait) =>
      `ECS service ${wait.service} to be steady (deployment completed, running = desired)${wait.taskDefinition ? ` on ${wait.taskDefinition.split("/").pop() ?? wait.taskDefinition}` : ""}`,
    probe: "DescribeServices",
  },
  "route53-weights": {
    target: (wait) => `Route 53 to answer ${wait.recordName} weighted ${weightsText(wait.weights)}`,
    probe: "ListResourceRecordSets",
  },
  "listener-weights": {
    target: (wait) => `the listener to forward ${weightsText(wait.weights, targetGroupName)}`,
    probe: "DescribeListeners / DescribeRules",
  },
  "traffic-share": {
    target: (wait) => `a whole minute of measured traffic with green within ${wait.tolerancePoints} points of ${wait.greenPercent} %`,
    probe: "GetMetricData of each colour's RequestCount",
  },
  "progressive-bake": {
    target: (wait) => `green to bake at ${wait.greenPercent} % for ${spokenDuration(wait.bakeMs)} while the release judge compares it with blue`,
    probe: "GetMetricData of each colour's requests, errors and latency, a minute at a time",
  },
  "progressive-gate": {
    target: (wait) => `an operator's approval before green goes to ${wait.greenPercent} %`,
    probe: "the engine's reading of the operation's approvals",
  },
  "preempted-calls-settled": {
    target: (wait) => `every call of the preempted operation to be past landing (${spokenDuration(wait.boundMs)})`,
    probe: "the engine's clock, then a re-read",
  },
};

function wordingOf<K extends WaitKind>(kind: K): WaitWording<WaitByKind[K]> {
  return WAIT_WORDS[kind];
}

function targetOf<K extends WaitKind>(kind: K, wait: WaitByKind[K]): string {
  return wordingOf(kind).target(wait);
}

/** What the engine waits for, to follow "waiting for …" or "Wait for …". */
export function waitTarget(wait: WaitCondition): string {
  return targetOf(wait.kind, wait);
}

/** The AWS read that checks the condition, shown in the plan preview ("DescribeTargetHealth"). */
export function waitProbe(wait: WaitCondition): string {
  return WAIT_WORDS[wait.kind].probe;
}

/**
 * One line for a wait, the same in the plan preview, the operation panel and the history: what,
 * how it is checked, how often and for how long at most.
 */
export function describeWait(wait: WaitCondition): string {
  return `Wait for ${waitTarget(wait)} (${waitProbe(wait)} every ${spokenDuration(wait.pollMs)}, up to ${spokenDuration(wait.timeoutMs)})`;
}
