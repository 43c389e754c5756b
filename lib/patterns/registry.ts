import "server-only";
import { AppError } from "@/lib/domain/app-error";
import type { AppState } from "@/lib/domain/app-state";
import type { Operation } from "@/lib/domain/operation";
import type { PatternId } from "@/lib/domain/basics";
import type { AwsClients } from "@/lib/aws/clients";
import type { AppConfig } from "@/lib/config/schema";
import { albWeightedObserver } from "./alb-weighted-observe";
import { asgSwapObserver, launchSwapObserver } from "./asg-common-observe";
import { dnsWeightedObserver } from "./dns-weighted-observe";
import { ecsDnsSwapObserver } from "./ecs-dns-swap-observe";
import { ecsElbSwapObserver } from "./ecs-elb-swap-observe";
import type { LastDeploy } from "./ecs-rolling";
import type { MetricPlan, ObserveOptions, PatternObserver } from "./observer";
import { ecsRollingObserver } from "./ecs-rolling-observe";

// The observer contract lives in ./observer, so the observers never import this registry.
export type { MetricPlan, ObserveOptions, PatternObserver } from "./observer";

/**
 * What observe needs from the journal: read off the application's latest operation (the caller
 * fetches it; observers never touch the store).
 */
export function observeHintsFrom(latest: Operation | null | undefined): Pick<ObserveOptions, "lastChangeId" | "lastDeploy"> {
  let lastChangeId: string | null = null;
  for (const step of [...(latest?.steps ?? [])].reverse()) {
    const out = step.output;
    if (out && typeof out === "object" && !Array.isArray(out)) {
      const info = out.ChangeInfo;
      if (info && typeof info === "object" && !Array.isArray(info) && typeof info.Id === "string") {
        lastChangeId = info.Id;
        break;
      }
    }
  }
  const before = latest?.before?.taskDefinition;
  const after = latest?.after?.taskDefinition;
  const kind = latest?.intent.kind === "deploy-revision" ? "deploy" : latest?.intent.kind === "rollback" ? "rollback" : null;
  const lastDeploy: LastDeploy | null = before && after && kind ? { kind, from: before, to: after, deploymentId: createdDeploymentId(latest) } : null;
  return { lastChangeId, lastDeploy };
}

/**
 * The ECS deployment an operation's UpdateService created: the PRIMARY deployment of the service
 * in the call's journaled output (null when no UpdateService of it completed).
 */
function createdDeploymentId(op: Operation | null | undefined): string | null {
  for (const step of [...(op?.steps ?? [])].reverse()) {
    if (step.call?.service !== "ecs" || step.call.operation !== "UpdateService") continue;
    const out = step.output;
    const service = out && typeof out === "object" && !Array.isArray(out) ? out.service : null;
    const deployments = service && typeof service === "object" && !Array.isArray(service) ? service.deployments : null;
    if (!Array.isArray(deployments)) continue;
    for (const d of deployments) {
      if (d && typeof d === "object" && !Array.isArray(d) && d.status === "PRIMARY" && typeof d.id === "string") return d.id;
    }
  }
  return null;
}

type ConfigOf<P extends PatternId> = Extract<AppConfig, { pattern: P }>;
type Observers = { [P in PatternId]?: PatternObserver<ConfigOf<P>> };

const OBSERVERS: Observers = {
  "dns-weighted": dnsWeightedObserver,
  "alb-weighted": albWeightedObserver,
  "ecs-elb-swap": ecsElbSwapObserver,
  "ecs-dns-swap": ecsDnsSwapObserver,
  "ecs-rolling": ecsRollingObserver,
  "asg-swap": asgSwapObserver,
  "launch-swap": launchSwapObserver,
};

function observerFor<P extends PatternId>(pattern: P): PatternObserver<ConfigOf<P>> {
  const observer = OBSERVERS[pattern];
  if (!observer) throw new AppError("invalid", `Teal cannot observe the ${pattern} pattern yet.`);
  return observer as PatternObserver<ConfigOf<P>>;
}

/** Reads one application's AWS state with its pattern's observer. */
export function observeWithPattern(clients: AwsClients, app: AppConfig, opts: ObserveOptions = {}): Promise<AppState> {
  switch (app.pattern) {
    case "dns-weighted":
      return observerFor(app.pattern).observe(clients, app, opts);
    case "asg-swap":
      return observerFor(app.pattern).observe(clients, app, opts);
    case "launch-swap":
      return observerFor(app.pattern).observe(clients, app, opts);
    case "ecs-dns-swap":
      return observerFor(app.pattern).observe(clients, app, opts);
    case "ecs-elb-swap":
      return observerFor(app.pattern).observe(clients, app, opts);
    case "ecs-rolling":
      return observerFor(app.pattern).observe(clients, app, opts);
    case "alb-weighted":
      return observerFor(app.pattern).observe(clients, app, opts);
  }
}

/** The metric queries of one application's charts. */
export function metricPlanFor(app: AppConfig, state: AppState, periodS: number): MetricPlan {
  switch (app.pattern) {
    case "dns-weighted":
      return observerFor(app.pattern).metrics(app, state, periodS);
    case "asg-swap":
      return observerFor(app.pattern).metrics(app, state, periodS);
    case "launch-swap":
      return observerFor(app.pattern).metrics(app, state, periodS);
    case "ecs-dns-swap":
      return observerFor(app.pattern).metrics(app, state, periodS);
    case "ecs-elb-swap":
      return observerFor(app.pattern).metrics(app, state, periodS);
    case "ecs-rolling":
      return observerFor(app.pattern).metrics(app, state, periodS);
    case "alb-weighted":
      return observerFor(app.pattern).metrics(app, state, periodS);
  }
}
