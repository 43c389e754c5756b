import "server-only";
import { DescribeAutoScalingGroupsCommand, DescribeTrafficSourcesCommand, type Instance as AsgInstance } from "@aws-sdk/client-auto-scaling";
import { DescribeServicesCommand } from "@aws-sdk/client-ecs";
import { DescribeInstanceHealthCommand } from "@aws-sdk/client-elastic-load-balancing";
import { DescribeListenersCommand, DescribeTargetHealthCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { GetChangeCommand } from "@aws-sdk/client-route-53";
import { AppError } from "@/lib/domain/app-error";
import type { JsonValue } from "@/lib/domain/basics";
import type { WaitCondition } from "@/lib/domain/plan";
import type { AwsClients } from "./clients";
import { actionsJson, describeRules } from "./elbv2";
import { toAppError } from "./errors";
import { listRecordSets } from "./route53";

export interface WaitCheck {
  done: boolean;
  detail: string;
}

function changeIdOf(output: JsonValue | null): string | null {
  if (output && typeof output === "object" && !Array.isArray(output)) {
    const info = output.ChangeInfo;
    if (info && typeof info === "object" && !Array.isArray(info) && typeof info.Id === "string") return info.Id;
  }
  return null;
}

/** "lc-name" or "lt-id:version" for an ASG instance, to compare with a plan's launch target. */
export function asgInstanceLaunch(i: AsgInstance): string {
  if (i.LaunchConfigurationName) return i.LaunchConfigurationName;
  const lt = i.LaunchTemplate;
  if (lt) return `${lt.LaunchTemplateId ?? lt.LaunchTemplateName ?? "lt"}:${lt.Version ?? "$Default"}`;
  return "unknown";
}

/** The family:revision part of a task definition ARN (or the input when it is already short). */
export function shortTaskDefinition(arnOrName: string): string {
  const slash = arnOrName.lastIndexOf("/");
  return slash >= 0 ? arnOrName.slice(slash + 1) : arnOrName;
}

async function asgGroup(clients: AwsClients, groupName: string) {
  const out = await clients.autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [groupName] }));
  const group = out.AutoScalingGroups?.[0];
  if (!group) throw new AppError("not_found", `Auto Scaling group ${groupName} does not exist`);
  return group;
}

/**
 * How many instances a count wait aims at on this poll: the count the plan asked for, but never
 * more than the Auto Scaling group(s) want now. A group that rebalances, replaces an instance or is
 * scaled in meanwhile lowers the target, so the wait does not hold out for a count captured when
 * the plan was made. Without a desired capacity (no group named) the planned count stands.
 */
export function inServiceTarget(planned: number, desiredNow: number | null | undefined): number {
  if (desiredNow === null || desiredNow === undefined || !Number.isFinite(desiredNow)) return planned;
  return Math.max(0, Math.min(planned, desiredNow));
}

function lowered(need: number, planned: number, what: string): string {
  return need < planned ? ` (planned ${planned}; ${what} is ${need} now)` : "";
}

/** The summed desired capacity of the named groups, read fresh; null when none is named. */
async function desiredOfGroups(clients: AwsClients, groupNames: string[] | undefined): Promise<number | null> {
  if (!groupNames || groupNames.length === 0) return null;
  try {
    const out = await clients.autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: groupNames }));
    const groups = out.AutoScalingGroups ?? [];
    if (groups.length !== groupNames.length) throw new AppError("not_found", `Auto Scaling group ${groupNames.join(", ")} does not exist`);
    return groups.reduce((sum, g) => sum + (g.DesiredCapacity ?? 0), 0);
  } catch (err) {
    throw toAppError(err, "DescribeAutoScalingGroups");
  }
}

/** One poll of a wait condition. `stepOutput` is the output of the same step's call (if any). */
export async function checkWait(clients: AwsClients, wait: WaitCondition, stepOutput: JsonValue | null): Promise<WaitCheck> {
  switch (wait.kind) {
    case "route53-change-insync": {
      const id = changeIdOf(stepOutput);
      if (!id) throw new AppError("internal", "The step has no Route 53 change id to wait for");
      try {
        const out = await clients.route53.send(new GetChangeCommand({ Id: id }));
        const status = out.ChangeInfo?.Status ?? "UNKNOWN";
        return { done: status === "INSYNC", detail: `Route 53 change ${id.replace("/change/", "")} is ${status}` };
      } catch (err) {
        throw toAppError(err, "GetChange");
      }
    }
    case "elb-in-service": {
      try {
        const out = await clients.elb.send(
          new DescribeInstanceHealthCommand({
            LoadBalancerName: wait.loadBalancerName,
            Instances: wait.instanceIds?.map((InstanceId) => ({ InstanceId })),
          }),
        );
        const inService = (out.InstanceStates ?? []).filter((s) => s.State === "InService" && !/deregistration/i.test(s.Description ?? ""));
        const planned = wait.instanceIds ? wait.instanceIds.length : wait.minInService;
        const need = wait.instanceIds ? planned : inServiceTarget(planned, await desiredOfGroups(clients, wait.groupNames));
        return {
          done: inService.length >= need,
          detail: `${inService.length} of ${need} instances InService behind ${wait.loadBalancerName}${lowered(need, planned, "the groups' desired capacity")}`,
        };
      } catch (err) {
        throw toAppError(err, "DescribeInstanceHealth");
      }
    }
    case "asg-in-service": {
      try {
        const group = await asgGroup(clients, wait.groupName);
        const matching = (group.Instances ?? []).filter(
          (i) => i.LifecycleState === "InService" && i.HealthStatus !== "Unhealthy" && (!wait.launch || asgInstanceLaunch(i) === wait.launch),
        );
        const need = inServiceTarget(wait.minInService, group.DesiredCapacity);
        return {
          done: matching.length >= need,
          detail: `${matching.length} of ${need} instances InService in ${wait.groupName}${wait.launch ? ` on ${wait.launch}` : ""}${lowered(need, wait.minInService, "its desired capacity")}`,
        };
      } catch (err) {
        throw toAppError(err, "DescribeAutoScalingGroups");
      }
    }
    case "asg-instances-state": {
      try {
        const group = await asgGroup(clients, wait.groupName);
        const byId = new Map((group.Instances ?? []).map((i) => [i.InstanceId ?? "", i.LifecycleState ?? ""]));
        const reached = wait.instanceIds.filter((id) =>
          wait.lifecycleState === "Terminated" ? !byId.has(id) || byId.get(id) === "Terminated" : byId.get(id) === wait.lifecycleState,
        );
        return {
          done: reached.length === wait.instanceIds.length,
          detail: `${reached.length} of ${wait.instanceIds.length} instances ${wait.lifecycleState} in ${wait.groupName}`,
        };
      } catch (err) {
        throw toAppError(err, "DescribeAutoScalingGroups");
      }
    }
    case "asg-traffic-source": {
      try {
        const out = await clients.autoscaling.send(new DescribeTrafficSourcesCommand({ AutoScalingGroupName: wait.groupName }));
        const source = (out.TrafficSources ?? []).find((s) => s.Identifier === wait.identifier || s.TrafficSource === wait.identifier);
        const state = source?.State ?? "Removed";
        return { done: state === wait.state, detail: `Traffic source ${wait.identifier} of ${wait.groupName} is ${state}` };
      } catch (err) {
        throw toAppError(err, "DescribeTrafficSources");
      }
    }
    case "tg-healthy": {
      try {
        const out = await clients.elbv2.send(
          new DescribeTargetHealthCommand({
            TargetGroupArn: wait.targetGroupArn,
            Targets: wait.targetIds?.map((Id) => ({ Id })),
          }),
        );
        const healthy = (out.TargetHealthDescriptions ?? []).filter((d) => d.TargetHealth?.State === "healthy").length;
        const need = wait.targetIds ? wait.targetIds.length : inServiceTarget(wait.minHealthy, await desiredOfGroups(clients, wait.groupNames));
        const name = wait.targetGroupArn.split(":").pop() ?? wait.targetGroupArn;
        return { done: healthy >= need, detail: `${healthy} of ${need} targets healthy in ${name}` };
      } catch (err) {
        throw toAppError(err, "DescribeTargetHealth");
      }
    }
    case "ecs-steady": {
      try {
        const out = await clients.ecs.send(new DescribeServicesCommand({ cluster: wait.cluster, services: [wait.service] }));
        const svc = out.services?.[0];
        if (!svc) throw new AppError("not_found", `ECS service ${wait.service} does not exist in ${wait.cluster}`);
        const deployments = svc.deployments ?? [];
        const primary = deployments.find((d) => d.status === "PRIMARY");
        const td = shortTaskDefinition(primary?.taskDefinition ?? svc.taskDefinition ?? "");
        const target = wait.taskDefinition ? shortTaskDefinition(wait.taskDefinition) : null;
        const onTarget = target === null || td === target;
        const rollout = primary?.rolloutState ?? "COMPLETED";
        // Fail on the rollout this wait is about: the newest deployment of the target task definition
        // (the circuit breaker may already have made a rollback deployment the PRIMARY). An old FAILED
        // deployment of another revision is no reason to fail a wait for this one.
        const subject =
          target === null
            ? primary
            : deployments
                .filter((d) => shortTaskDefinition(d.taskDefinition ?? "") === target)
                .sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0))[0];
        if (subject?.rolloutState === "FAILED") {
          const back = subject !== primary && primary ? `; ECS is rolling back to ${td}` : "";
          throw new AppError(
            "aws_error",
            `ECS deployment of ${shortTaskDefinition(subject.taskDefinition ?? td)} failed: ${subject.rolloutStateReason ?? "no reason given"}${back}`,
          );
        }
        // INACTIVE deployments stay listed for a while after they are replaced; they hold no tasks.
        const live = deployments.filter((d) => d.status !== "INACTIVE");
        const done =
          onTarget &&
          rollout === "COMPLETED" &&
          live.length === 1 &&
          (svc.runningCount ?? 0) === (svc.desiredCount ?? 0) &&
          (svc.pendingCount ?? 0) === 0;
        return {
          done,
          detail: `${wait.service}: ${svc.runningCount ?? 0}/${svc.desiredCount ?? 0} running on ${td}, rollout ${rollout}`,
        };
      } catch (err) {
        throw toAppError(err, "DescribeServices");
      }
    }
    case "route53-weights": {
      const records = await listRecordSets(clients.route53, wait.hostedZoneId, wait.recordName, wait.recordType);
      return weightsCheck(
        wait.weights,
        new Map(records.map((r) => [r.setIdentifier ?? "", r.weight ?? 0])),
        (id) => id,
        `${wait.recordName} weights`,
      );
    }
    case "listener-weights": {
      const actions = wait.ruleArn
        ? (await describeRules(clients.elbv2, wait.listenerArn)).find((r) => r.arn === wait.ruleArn)?.actions
        : await listenerActions(clients, wait.listenerArn);
      if (!actions) throw new AppError("not_found", `The ${wait.ruleArn ? "listener rule" : "listener"} to check no longer exists`);
      return weightsCheck(wait.weights, forwardWeights(actions), targetGroupName, "listener weights");
    }
    case "preempted-calls-settled":
      throw new AppError("internal", "The engine settles preempted calls itself");
    case "traffic-share":
    case "progressive-bake":
    case "progressive-gate":
      throw new AppError("internal", "The engine runs the waits of a progressive delivery itself");
  }
}

/** The default actions of one listener, by its ARN. */
async function listenerActions(clients: AwsClients, listenerArn: string): Promise<JsonValue[] | undefined> {
  try {
    const out = await clients.elbv2.send(new DescribeListenersCommand({ ListenerArns: [listenerArn] }));
    const listener = out.Listeners?.[0];
    return listener ? actionsJson(listener.DefaultActions) : undefined;
  } catch (err) {
    throw toAppError(err, "DescribeListeners");
  }
}

/** Weights by target group ARN of the forward action among `actions` (ELBv2 JSON shape). */
function forwardWeights(actions: JsonValue[]): Map<string, number> {
  const weights = new Map<string, number>();
  for (const action of actions) {
    if (!action || typeof action !== "object" || Array.isArray(action) || action.Type !== "forward") continue;
    const config = action.ForwardConfig;
    const groups = config && typeof config === "object" && !Array.isArray(config) ? config.TargetGroups : undefined;
    if (Array.isArray(groups)) {
      for (const g of groups) {
        if (g && typeof g === "object" && !Array.isArray(g) && typeof g.TargetGroupArn === "string") {
          weights.set(g.TargetGroupArn, typeof g.Weight === "number" ? g.Weight : 1);
        }
      }
    } else if (typeof action.TargetGroupArn === "string") {
      weights.set(action.TargetGroupArn, 1);
    }
  }
  return weights;
}

function targetGroupName(arn: string): string {
  const parts = (arn.split(":").pop() ?? arn).split("/");
  return parts[0] === "targetgroup" && parts[1] ? parts[1] : arn;
}

/** Whether every wanted weight is what AWS has now; the detail names both. */
function weightsCheck(wanted: Record<string, number>, actual: Map<string, number>, label: (key: string) => string, what: string): WaitCheck {
  const keys = Object.keys(wanted);
  const done = keys.every((k) => actual.get(k) === wanted[k]);
  const show = (w: (k: string) => number | undefined) => keys.map((k) => `${label(k)} ${w(k) ?? "missing"}`).join(" / ");
  return {
    done,
    detail: done ? `${what}: ${show((k) => actual.get(k))}` : `${what} are ${show((k) => actual.get(k))}, not ${show((k) => wanted[k])}`,
  };
}
