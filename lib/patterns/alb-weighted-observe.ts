import "server-only";
import { createHash } from "node:crypto";
import { AppError } from "@/lib/domain/app-error";
import type { AppState, EnvironmentState, InstanceView } from "@/lib/domain/app-state";
import type { Color } from "@/lib/domain/basics";
import type { AwsClients } from "@/lib/aws/clients";
import { describeInstanceVersions } from "@/lib/aws/ec2";
import { describeAlb, describeListeners, describeRules, describeTargetGroup, describeTargetHealth, targetGroupDimension } from "@/lib/aws/elbv2";
import type { AlbWeightedAppConfig } from "@/lib/config/schema";
import { ALB_TARGET_GROUP_CATALOG, albTargetGroupQueries, queryId } from "@/lib/metrics/catalog";
import { albGreenShare, forwardOf } from "./alb-weighted";
import { versionLabel } from "./ecs-common";
import type { MetricPlan, PatternObserver } from "./observer";

const COLORS: readonly Color[] = ["blue", "green"];

/** "app/name/id" from a listener or rule ARN (…:listener/app/name/id/… or …:listener-rule/app/name/id/…). */
export function loadBalancerDimensionOf(listenerOrRuleArn: string): string {
  const m = /:listener(?:-rule)?\/(app\/[^/]+\/[^/]+)\//.exec(listenerOrRuleArn);
  return m?.[1] ?? "";
}

/** Optimistic-concurrency version: changes when the forward action or the listener/rule it lives on changes. */
export function albStateVersion(where: string, actions: unknown): string {
  return createHash("sha256")
    .update(`${where}|${JSON.stringify(actions)}`)
    .digest("hex")
    .slice(0, 16);
}

/**
 * Reads one alb-weighted application: the ALB, the listener on the configured port (or its rule
 * with the configured priority) with its forward action whole, both target groups with each
 * target's health and version (instance tag `teal:version`).
 */
export async function observeAlbWeighted(clients: AwsClients, app: AlbWeightedAppConfig, opts: { now?: Date } = {}): Promise<AppState> {
  const alb = await describeAlb(clients.elbv2, app.loadBalancer);
  if (!alb.arn) throw new AppError("not_found", `Load balancer ${app.loadBalancer} does not exist.`);
  const [listeners, groups] = await Promise.all([
    describeListeners(clients.elbv2, alb.arn),
    Promise.all(COLORS.map((c) => describeTargetGroup(clients.elbv2, app[c].targetGroup))),
  ]);
  const listener = listeners.find((l) => l.port === app.listenerPort);
  if (!listener) throw new AppError("not_found", `Load balancer ${app.loadBalancer} has no listener on port ${app.listenerPort}.`);
  let ruleArn: string | null = null;
  let actions = listener.actions;
  if (app.rulePriority !== undefined) {
    const rules = await describeRules(clients.elbv2, listener.arn);
    const rule = rules.find((r) => r.priority === String(app.rulePriority));
    if (!rule) throw new AppError("not_found", `The listener on port ${app.listenerPort} has no rule with priority ${app.rulePriority}.`);
    ruleArn = rule.arn;
    actions = rule.actions;
  }
  const health = await Promise.all(groups.map((g) => (g.arn ? describeTargetHealth(clients.elbv2, g.arn) : Promise.resolve([]))));
  const instanceIds = health.flatMap((h) => h.map((t) => t.id)).filter((id) => id.startsWith("i-"));
  const versions = await describeInstanceVersions(clients.ec2, instanceIds);

  const forward = forwardOf(actions);
  const weightOf = (arn: string) => forward?.targetGroups.find((g) => g.arn === arn)?.weight ?? 0;
  const weights = { blue: weightOf(groups[0]?.arn ?? ""), green: weightOf(groups[1]?.arn ?? "") };

  const environments = {} as Record<Color, EnvironmentState>;
  COLORS.forEach((color, i) => {
    const group = groups[i];
    const targets = health[i] ?? [];
    const instances: InstanceView[] = targets.map((t) => {
      const view: InstanceView = { id: t.id, health: t.health, state: t.state, kind: "instance" };
      if (t.description) view.description = t.description;
      return view;
    });
    environments[color] = {
      color,
      version: versionLabel(
        targets.filter((t) => t.state !== "unused").map((t) => versions.get(t.id) ?? "unknown"),
        "unknown",
      ),
      loadBalancer: { kind: "target-group", name: group?.name ?? app[color].targetGroup, arn: group?.arn || undefined, dnsName: alb.dnsName },
      healthy: instances.filter((x) => x.health === "healthy").length,
      unhealthy: instances.filter((x) => x.health === "unhealthy").length,
      instances,
    };
  });

  return {
    appId: app.id,
    pattern: "alb-weighted",
    observedAt: (opts.now ?? new Date()).toISOString(),
    environments,
    configured: { greenPercent: albGreenShare(weights.blue, weights.green) },
    observed: { greenPercent: null, blueRequests: 0, greenRequests: 0 },
    alb: {
      loadBalancerName: alb.name,
      listenerArn: listener.arn,
      ruleArn,
      weights,
      targetGroupArns: { blue: groups[0]?.arn ?? "", green: groups[1]?.arn ?? "" },
      stickiness: forward?.stickiness ?? null,
      actions,
    },
    granularityPercent: 1,
    version: albStateVersion(ruleArn ?? listener.arn, actions),
  };
}

/** ALB charts per colour's target group, all in one GetMetricData call; the observed share from RequestCount. */
export function albWeightedMetrics(state: AppState, periodS: number): MetricPlan {
  const lb = state.alb ? loadBalancerDimensionOf(state.alb.listenerArn) : "";
  const colours = COLORS.filter((c) => Boolean(state.environments[c].loadBalancer.arn) && lb !== "");
  return {
    queries: colours.flatMap((c) =>
      albTargetGroupQueries(c, { loadBalancer: lb, targetGroup: targetGroupDimension(state.environments[c].loadBalancer.arn ?? "") }, periodS),
    ),
    series: colours.flatMap((color) =>
      ALB_TARGET_GROUP_CATALOG.map((e) => ({ id: queryId(color, e.key), metric: e.metric, stat: e.stat, color, unit: e.unit })),
    ),
    requests: colours.length === 2 ? { blue: queryId("blue", "requests"), green: queryId("green", "requests") } : null,
  };
}

export const albWeightedObserver: PatternObserver<AlbWeightedAppConfig> = {
  observe: (clients, app, opts) => observeAlbWeighted(clients, app, opts),
  metrics: (_app, state, periodS) => albWeightedMetrics(state, periodS),
};
