/**
 * The figures every view shows about one application, each derived in one place from the AppState
 * Teal read: the traffic split (configured, observed, requests per colour — or, for an ECS rolling
 * update, the rollout's share), and each colour's health (for ECS services: running and healthy
 * tasks against the desired count). The application page, the overview card and the wall all use
 * these, so they cannot disagree. Pure: no I/O.
 */
import { keptWarmOf } from "./kept-warm";
import type { AppState, EnvironmentState } from "./app-state";
import type { Color } from "./basics";

export type FigureTone = "success" | "warning" | "danger" | "neutral" | "info";

/** Where the observed share comes from. */
export type ObservedSource =
  /** Each colour's request count (CloudWatch), over the snapshot's window. */
  | "requests"
  /** The instances in service behind one shared load balancer: there is no per-colour request count. */
  | "instances"
  /** Nothing: the pattern offers no per-colour request count (one target group for both colours). */
  | "none";

export type TrafficFigure =
  | {
      kind: "split";
      configuredGreenPercent: number;
      /** Null when nothing was observed (no traffic, or nothing in service). */
      observedGreenPercent: number | null;
      observedFrom: ObservedSource;
      /** Requests per colour; null when the observation is not made of request counts. */
      requests: Record<Color, number> | null;
      /** One line saying what the observed share is made of. */
      observedText: string;
    }
  | {
      kind: "rollout";
      /** Share of running tasks on the PRIMARY deployment's revision (0–100). */
      percent: number;
      primary: string;
      state: "IN_PROGRESS" | "COMPLETED" | "FAILED" | "NONE";
      text: string;
    };

export interface HealthFigure {
  label: string;
  tone: FigureTone;
  /** A glyph so the status never rests on colour alone. */
  icon: string;
  /** "4/4 healthy", "1/2 running — 1 lost (failed health checks)", "4 kept warm". */
  text: string;
  healthy: number;
  unhealthy: number;
  /** What `healthy` is counted against: the desired count for ECS, else healthy + unhealthy. */
  of: number;
}

export interface AppFigures {
  traffic: TrafficFigure;
  health: Record<Color, HealthFigure>;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** The traffic figure of one application. */
export function trafficFigure(state: AppState): TrafficFigure {
  if (state.pattern === "ecs-rolling") {
    const rollout = state.rollout;
    const percent = rollout ? rolloutPercent(rollout) : clampPercent(state.configured.greenPercent);
    const primary = rollout?.primaryTaskDefinition ?? "unknown";
    return {
      kind: "rollout",
      percent,
      primary,
      state: rollout?.state ?? "NONE",
      text: `${formatShare(percent)} % of running tasks on ${primary}`,
    };
  }
  const observed = state.observed;
  const from: ObservedSource = observed.source ?? "requests";
  if (from === "instances") {
    const lb = state.environments.green.loadBalancer.name || state.environments.blue.loadBalancer.name;
    return {
      kind: "split",
      configuredGreenPercent: state.configured.greenPercent,
      observedGreenPercent: observed.greenPercent,
      observedFrom: "instances",
      requests: null,
      observedText:
        observed.greenPercent === null
          ? `No instance in service behind ${lb}`
          : `Share of healthy instances in service behind ${lb}: it has no per-colour request count`,
    };
  }
  // Not measured: the pattern has no per-colour request count, or the counts were not read.
  const notMeasured =
    from === "none"
      ? "Not measured: both colours share one target group, and CloudWatch counts their requests together"
      : observed.unmeasured === "metrics unavailable"
        ? "Not measured: CloudWatch could not be read, so the request counts are unknown"
        : observed.unmeasured === "not read"
          ? "Not measured: the request counts were not read with this state"
          : null;
  if (notMeasured !== null) {
    return {
      kind: "split",
      configuredGreenPercent: state.configured.greenPercent,
      observedGreenPercent: null,
      observedFrom: "none",
      requests: null,
      observedText: notMeasured,
    };
  }
  const total = observed.blueRequests + observed.greenRequests;
  return {
    kind: "split",
    configuredGreenPercent: state.configured.greenPercent,
    observedGreenPercent: total > 0 ? observed.greenPercent : null,
    observedFrom: "requests",
    requests: { blue: observed.blueRequests, green: observed.greenRequests },
    observedText:
      total > 0 ? `From ${plural(total, "request")}: blue ${observed.blueRequests}, green ${observed.greenRequests}` : "No requests in the window",
  };
}

/** Why tasks were lost, from ECS's newest events since the service last reached a steady state. */
function lossCause(env: EnvironmentState): string | null {
  const events = env.ecs?.events ?? [];
  let healthChecks = 0;
  for (const e of events) {
    if (/has reached a steady state/.test(e.message)) break;
    if (/is unhealthy in \(target-group|failed container health checks|failed ELB health checks/i.test(e.message)) healthChecks += 1;
  }
  return healthChecks > 0 ? "stopped after failing health checks" : null;
}

/**
 * One colour's health. ECS services count against their desired tasks, so a service that lost
 * half its tasks (a zone failure: they fail their health checks and ECS stops them) reads
 * degraded until the replacements run and pass, never "2/2 healthy". Instances count the load
 * balancer's view; a colour that serves nothing but keeps instances running reads "Kept warm".
 */
export function healthFigure(state: Pick<AppState, "pattern" | "environments" | "asg">, color: Color): HealthFigure {
  const env = state.environments[color];
  const ecs = env.ecs;
  if (ecs) {
    // The colour's own share of the service when the observer split it (ecs-rolling: the PRIMARY
    // deployment is green, the deployments it replaces blue), else the whole service.
    const desired = env.capacity?.desired ?? ecs.desired;
    const running = env.capacity?.inService ?? ecs.running;
    const pending = env.capacity?.pending ?? ecs.pending;
    const healthy = Math.min(env.healthy, running);
    const unhealthy = env.unhealthy;
    const base = { healthy, unhealthy, of: desired };
    if (desired === 0 && running === 0) return { ...base, label: "No tasks", tone: "neutral", icon: "–", text: "0 tasks wanted" };
    if (healthy === 0) {
      return {
        ...base,
        label: "Down",
        tone: "danger",
        icon: "✕",
        text: `0/${desired} healthy${running < desired ? ` — ${running}/${desired} running` : ""}`,
      };
    }
    if (running < desired) {
      const lost = desired - running;
      const cause = lossCause(env);
      const replacing = pending > 0 ? `; ECS is starting ${plural(pending, "replacement")}` : "";
      return {
        ...base,
        label: "Degraded",
        tone: "warning",
        icon: "!",
        text: `${running}/${desired} running — ${lost} lost${cause ? ` (${cause})` : ""}${replacing}`,
      };
    }
    if (unhealthy > 0 || healthy < desired) {
      return {
        ...base,
        label: "Degraded",
        tone: "warning",
        icon: "!",
        text: `${healthy}/${desired} healthy${unhealthy > 0 ? ` — ${unhealthy} unhealthy` : ""}`,
      };
    }
    return { ...base, label: "Healthy", tone: "success", icon: "✓", text: `${healthy}/${desired} healthy` };
  }
  const healthy = env.healthy;
  const unhealthy = env.unhealthy;
  const base = { healthy, unhealthy, of: healthy + unhealthy };
  if (healthy === 0 && unhealthy === 0) {
    const warm = keptWarmOf(state, color);
    if (warm) return { ...base, label: "Kept warm", tone: "info", icon: "◐", text: `${warm.count} kept warm` };
    return { ...base, label: "No instances", tone: "neutral", icon: "–", text: "0 instances" };
  }
  if (healthy === 0) return { ...base, label: "Down", tone: "danger", icon: "✕", text: `0/${healthy + unhealthy} healthy` };
  if (unhealthy > 0)
    return { ...base, label: "Degraded", tone: "warning", icon: "!", text: `${healthy}/${healthy + unhealthy} healthy — ${unhealthy} unhealthy` };
  return { ...base, label: "Healthy", tone: "success", icon: "✓", text: `${healthy}/${healthy} healthy` };
}

/** Every figure of one application, for the overview summary and the wall (the app page derives the same from its snapshot). */
export function appFigures(state: AppState): AppFigures {
  return { traffic: trafficFigure(state), health: { blue: healthFigure(state, "blue"), green: healthFigure(state, "green") } };
}

/** The rollout's share: running tasks on the PRIMARY's revision, 0–100 (the rollout panel shows this very figure). */
export function rolloutPercent(rollout: NonNullable<AppState["rollout"]>): number {
  return clampPercent(rollout.progressPercent);
}

function clampPercent(p: number): number {
  return Number.isFinite(p) ? Math.max(0, Math.min(100, p)) : 0;
}

function formatShare(p: number): string {
  return Number.isInteger(p) ? String(p) : p.toFixed(1);
}
