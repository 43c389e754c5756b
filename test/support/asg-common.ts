/**
 * Test support for the Auto Scaling planners: compact builders of AppState and a one-line
 * signature per plan step, so table-driven tests read like the plans they check.
 */
import type { AppState, AsgGroupView, AsgView, InstanceView, LaunchSpecView } from "@/lib/domain/app-state";
import type { Color } from "@/lib/domain/basics";
import type { Plan, PlanResult, Step, WaitCondition } from "@/lib/domain/plan";

const HEALTH_OF: Record<string, InstanceView["health"]> = { InService: "healthy", Pending: "unknown", Standby: "unknown" };

/** "i-b1@a" = InService in zone a; "i-b1@a:Standby" = in Standby; "i-b1@b:InService:unhealthy". */
export function inst(spec: string, launch?: string): InstanceView {
  const [idAz = "", lifecycle = "InService", health] = spec.split(":");
  const [id = "", az = "a"] = idAz.split("@");
  return {
    id,
    lifecycle,
    health: (health as InstanceView["health"] | undefined) ?? HEALTH_OF[lifecycle] ?? "unknown",
    state: lifecycle,
    availabilityZone: `us-east-1${az}`,
    ...(launch ? { launch } : {}),
  };
}

export function group(name: string, desired: number, attachment: string | null, opts: Partial<AsgGroupView> = {}): AsgGroupView {
  return { name, desired, min: 0, max: 8, launch: null, healthCheckType: "ELB", attachment, ...opts };
}

export const CLASSIC_LB: AsgView["loadBalancer"] = { kind: "classic", name: "payments-lb" };

export function baseState(
  appId: string,
  pattern: AppState["pattern"],
  asg: AsgView,
  instances: Record<Color, InstanceView[]>,
  configured: number,
  granularity: number,
): AppState {
  const env = (color: Color) => ({
    color,
    version: color === "blue" ? "v41" : "v42",
    loadBalancer: { kind: asg.loadBalancer.kind === "classic" ? ("classic" as const) : ("target-group" as const), name: asg.loadBalancer.name },
    healthy: instances[color].filter((i) => i.health === "healthy").length,
    unhealthy: instances[color].filter((i) => i.health === "unhealthy").length,
    instances: instances[color],
  });
  return {
    appId,
    pattern,
    observedAt: "2026-11-26T00:00:00.000Z",
    environments: { blue: env("blue"), green: env("green") },
    configured: { greenPercent: configured },
    observed: { greenPercent: null, blueRequests: 0, greenRequests: 0 },
    asg,
    granularityPercent: granularity,
    version: "v",
  };
}

export const LC_OLD: LaunchSpecView = { kind: "launch-configuration", name: "checkout-v41" };
export const LC_NEW: LaunchSpecView = { kind: "launch-configuration", name: "checkout-v42" };

function waitSig(w: WaitCondition): string {
  switch (w.kind) {
    case "asg-in-service":
      return `in-service ${w.groupName}>=${w.minInService}${w.launch ? ` on ${w.launch}` : ""}`;
    case "asg-instances-state":
      return `${w.lifecycleState} [${w.instanceIds.join(",")}]`;
    case "asg-traffic-source":
      return `source ${w.groupName} ${w.state}`;
    case "elb-in-service":
      return w.instanceIds ? `elb healthy [${w.instanceIds.join(",")}]` : `elb healthy>=${w.minInService}`;
    case "tg-healthy":
      return w.targetIds ? `tg healthy [${w.targetIds.join(",")}]` : `tg healthy>=${w.minHealthy}`;
    default:
      return w.kind;
  }
}

function callSig(step: Step): string {
  const c = step.call;
  if (!c) return "";
  const i = c.input as Record<string, unknown>;
  const asg = String(i.AutoScalingGroupName ?? "");
  switch (c.operation) {
    case "SetDesiredCapacity":
      return `SetDesired ${asg}=${String(i.DesiredCapacity)}`;
    case "AttachTrafficSources":
      return `Attach ${asg}`;
    case "DetachTrafficSources":
      return `Detach ${asg}`;
    case "EnterStandby":
      return `EnterStandby [${(i.InstanceIds as string[]).join(",")}]${i.ShouldDecrementDesiredCapacity ? "" : " no-decrement"}`;
    case "ExitStandby":
      return `ExitStandby [${(i.InstanceIds as string[]).join(",")}]`;
    case "TerminateInstanceInAutoScalingGroup":
      return `Terminate ${String(i.InstanceId)}${i.ShouldDecrementDesiredCapacity ? " -1" : ""}`;
    case "UpdateAutoScalingGroup": {
      const lt = i.LaunchTemplate as { LaunchTemplateId: string; Version: string } | undefined;
      const what = i.LaunchConfigurationName
        ? `lc=${String(i.LaunchConfigurationName)}`
        : lt
          ? `lt=${lt.LaunchTemplateId}:${lt.Version}`
          : `max=${String(i.MaxSize)}`;
      return `Update ${asg} ${what}`;
    }
    default:
      return c.operation;
  }
}

/** "Call → wait" per step. */
export function sig(plan: Plan): string[] {
  return plan.steps.map((s) => [callSig(s), s.wait ? `~ ${waitSig(s.wait)}` : ""].filter(Boolean).join(" "));
}

export function planOf(r: PlanResult): Plan {
  if (!r.ok) throw new Error(`expected a plan, got: ${r.reason}`);
  return r.plan;
}
