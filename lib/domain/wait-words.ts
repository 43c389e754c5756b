import type { WaitCondition } from "./types";

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

/** What the engine waits for, to follow "waiting for …" or "Wait for …". */
export function waitTarget(wait: WaitCondition): string {
  switch (wait.kind) {
    case "route53-change-insync":
      return "Route 53 to report the change INSYNC";
    case "elb-in-service":
      return wait.instanceIds
        ? `all ${countOf(wait.instanceIds.length, "instance")} to be InService behind ${wait.loadBalancerName}`
        : `${countOf(wait.minInService, "instance")} to be InService behind ${wait.loadBalancerName}`;
    case "asg-in-service":
      return `${countOf(wait.minInService, "instance")} to be InService in ${wait.groupName}${wait.launch ? ` on ${wait.launch}` : ""}`;
    case "asg-instances-state":
      return wait.lifecycleState === "Terminated"
        ? `${countOf(wait.instanceIds.length, "instance")} to leave ${wait.groupName}`
        : `${countOf(wait.instanceIds.length, "instance")} to be ${wait.lifecycleState} in ${wait.groupName}`;
    case "asg-traffic-source":
      return `${wait.groupName} to show traffic source ${wait.identifier} ${wait.state}`;
    case "tg-healthy": {
      const name = targetGroupName(wait.targetGroupArn);
      return wait.targetIds
        ? `all ${countOf(wait.targetIds.length, "target")} to be healthy in target group ${name}`
        : `${countOf(wait.minHealthy, "target")} to be healthy in target group ${name}`;
    }
    case "ecs-steady":
      return `ECS service ${wait.service} to be steady (deployment completed, running = desired)${wait.taskDefinition ? ` on ${wait.taskDefinition.split("/").pop() ?? wait.taskDefinition}` : ""}`;
    case "route53-weights":
      return `Route 53 to answer ${wait.recordName} weighted ${weightsText(wait.weights)}`;
    case "listener-weights":
      return `the listener to forward ${weightsText(wait.weights, targetGroupName)}`;
    case "preempted-calls-settled":
      return `every call of the preempted operation to be past landing (${spokenDuration(wait.boundMs)})`;
  }
}

/** The AWS read that checks the condition, shown in the plan preview ("DescribeTargetHealth"). */
export function waitProbe(wait: WaitCondition): string {
  switch (wait.kind) {
    case "route53-change-insync":
      return "GetChange";
    case "elb-in-service":
      return "DescribeInstanceHealth";
    case "asg-in-service":
    case "asg-instances-state":
      return "DescribeAutoScalingGroups";
    case "asg-traffic-source":
      return "DescribeTrafficSources";
    case "tg-healthy":
      return "DescribeTargetHealth";
    case "ecs-steady":
      return "DescribeServices";
    case "route53-weights":
      return "ListResourceRecordSets";
    case "listener-weights":
      return "DescribeListeners / DescribeRules";
    case "preempted-calls-settled":
      return "the engine's clock, then a re-read";
  }
}

/** One line for the plan preview: what, how it is checked, how often and for how long at most. */
export function waitLine(wait: WaitCondition): string {
  return `Wait for ${waitTarget(wait)} (${waitProbe(wait)} every ${spokenDuration(wait.pollMs)}, up to ${spokenDuration(wait.timeoutMs)})`;
}
