/**
 * One colour's health for the wall, from what each instance or task is doing rather than from the
 * load balancer's healthy/unhealthy counts alone. Pure.
 *
 * Why: a classic ELB reports an instance it is still registering as OutOfService ("Instance
 * registration is still in progress"), which the observers map to unhealthy. During a normal
 * rollback step of asg-swap or launch-swap, blue's instances leave standby or are attached again and
 * register: for those seconds every blue instance is "unhealthy" by count, and the wall read
 * "✕ Down" (and raised "Blue takes … with no healthy targets"). An ELBv2 target in its `initial`
 * state, an Auto Scaling instance in Pending, an ECS task being provisioned: the same planned step.
 */

import type { EnvironmentState, InstanceView } from "@/lib/domain/app-state";
import type { WallColorHealth, WallHealthWord } from "@/lib/domain/wall";

type Phase = "serving" | "starting" | "leaving" | "standby" | "unhealthy" | "unknown";

const LEAVING_LIFECYCLE =
  /^(Terminating|Terminated|Detaching|Detached|EnteringStandby|Warmed:Terminating|DEACTIVATING|STOPPING|DEPROVISIONING|STOPPED)/;
const STARTING_LIFECYCLE = /^(Pending|Warmed:Pending|PROVISIONING|PENDING|ACTIVATING)/;
const REGISTERING = /registration is still in progress|initial health check/i;

/** What one instance or task is doing, as far as traffic is concerned. */
export function instancePhase(i: InstanceView): Phase {
  const lifecycle = i.lifecycle ?? "";
  if (i.health === "draining" || i.state === "draining" || LEAVING_LIFECYCLE.test(lifecycle)) return "leaving";
  if (lifecycle === "Standby") return "standby";
  if (i.health === "healthy") return "serving";
  if (STARTING_LIFECYCLE.test(lifecycle) || i.state === "initial" || REGISTERING.test(i.description ?? "")) return "starting";
  if (i.health === "unhealthy") return "unhealthy";
  return "unknown";
}

function wordOf(h: Omit<WallColorHealth, "word">, unknown: number): WallHealthWord {
  if (h.total === 0) return "none";
  if (h.unhealthy > 0) return h.healthy === 0 && h.starting === 0 ? "down" : "degraded";
  if (h.healthy > 0) return "healthy";
  if (h.starting > 0) return "starting";
  if (h.leaving > 0) return "draining";
  if (h.standby > 0) return "standby";
  return unknown > 0 ? "unknown" : "none";
}

/**
 * The colour's capacity in words. Without an instance list (a pattern that only counts), it falls
 * back to the load balancer's counts.
 */
export function colorHealth(env: Pick<EnvironmentState, "healthy" | "unhealthy" | "instances">): WallColorHealth {
  if (env.instances.length === 0) {
    const counts = { healthy: env.healthy, total: env.healthy + env.unhealthy, starting: 0, leaving: 0, standby: 0, unhealthy: env.unhealthy };
    return { word: wordOf(counts, 0), ...counts };
  }
  const n: Record<Phase, number> = { serving: 0, starting: 0, leaving: 0, standby: 0, unhealthy: 0, unknown: 0 };
  for (const i of env.instances) n[instancePhase(i)] += 1;
  const counts = {
    healthy: n.serving,
    total: env.instances.length,
    starting: n.starting,
    leaving: n.leaving,
    standby: n.standby,
    unhealthy: n.unhealthy,
  };
  return { word: wordOf(counts, n.unknown), ...counts };
}
