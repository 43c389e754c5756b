/**
 * Instances a colour keeps running while it serves no traffic ("kept warm"), and what a rollback
 * does with them. One derivation, used by the application page and anything else that shows it.
 * Pure: reads an AppState, no I/O.
 */
import type { AppState, InstanceView } from "./app-state";
import type { Color } from "./basics";

export interface KeptWarm {
  /** Running instances of the colour that serve no traffic. */
  count: number;
  /** How they are kept: the group detached from the load balancer, or instances in Standby. */
  how: "detached" | "standby";
  /** One line: "4 instances running, detached from payments-lb". */
  text: string;
  /** What a rollback does with them, with the time it takes when the health check was read. */
  rollback: string;
  /** Seconds until they take traffic again after a rollback (health check), when known. */
  backInSeconds: number | null;
}

function running(i: InstanceView): boolean {
  const lc = i.lifecycle ?? "";
  return lc === "InService" || lc === "Pending" || lc.startsWith("Pending:");
}

function standby(i: InstanceView): boolean {
  return i.lifecycle === "Standby" || i.lifecycle === "EnteringStandby";
}

function serving(attachment: string | null): boolean {
  return attachment === "Added" || attachment === "InService";
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/**
 * Blue (or green) instances that run without taking traffic, for the Auto Scaling patterns:
 * asg-swap keeps blue's group detached after a promote and blue instances in Standby mid-shift;
 * launch-swap keeps old instances in Standby until promote (which terminates them). Null when the
 * colour keeps nothing warm (or the pattern has no such state).
 */
export function keptWarmOf(state: Pick<AppState, "pattern" | "environments" | "asg">, color: Color): KeptWarm | null {
  const asg = state.asg;
  if (!asg || (state.pattern !== "asg-swap" && state.pattern !== "launch-swap")) return null;
  const instances = state.environments[color].instances;
  const lbName = asg.loadBalancer.name;
  const check = asg.healthCheck;
  const backInSeconds = check ? check.intervalS * check.healthyThreshold : null;
  const within = check
    ? `once they pass ${plural(check.healthyThreshold, "health check")} ${check.intervalS} s apart (~${backInSeconds} s)`
    : "once they pass the load balancer's health check";
  const group = asg.groups[color];
  const inStandby = instances.filter(standby).length;
  if (state.pattern === "asg-swap" && !serving(group.attachment)) {
    const live = instances.filter(running).length + inStandby;
    if (live === 0) return null;
    return {
      count: live,
      how: "detached",
      text: `${plural(live, "instance")} running, detached from ${lbName}`,
      rollback:
        color === "blue"
          ? `A rollback re-attaches ${group.name} to ${lbName}${inStandby > 0 ? " and takes its Standby instances back" : ""} — no launch: they take traffic ${within}.`
          : `Green's group ${group.name} is not attached: a shift attaches it; a rollback scales it to its idle size.`,
      backInSeconds,
    };
  }
  if (inStandby === 0) return null;
  const exits = color === "blue";
  return {
    count: inStandby,
    how: "standby",
    text: `${plural(inStandby, "instance")} running in Standby (in the group, out of ${lbName})`,
    rollback: exits
      ? `A rollback takes them out of Standby — no launch: they take traffic ${within}.`
      : `A rollback terminates them; a shift can take them out of Standby.`,
    backInSeconds: exits ? backInSeconds : null,
  };
}
