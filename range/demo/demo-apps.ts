/**
 * The demo world's applications, defined once: the repository's teal.config.yaml (the file Teal
 * itself reads on the practice range). The range's seed creates the AWS resources those entries
 * name, and the tests take their application ids, names, patterns and resource names from here, so
 * a demo application is added or renamed in that one file.
 *
 * What the config does not name is derived from the application id's first word (`stem`): the ECS
 * task definition family ("profile-service" → "profile") and the launch configurations of an
 * asg-swap application ("payments-api" → "payments-v41", "payments-v42"). Blue runs v41 and green
 * v42 everywhere, with all traffic on blue, unless the seed is told otherwise (`AppStart`: the fleet
 * world starts a few applications part-way or with a bad green).
 */
import { loadDemoConfig } from "@/lib/config/load";
import type {
  AlbWeightedAppConfig,
  AppConfig,
  AsgSwapAppConfig,
  DnsWeightedAppConfig,
  EcsDnsSwapAppConfig,
  EcsElbSwapAppConfig,
  EcsRollingAppConfig,
  LaunchSwapAppConfig,
  TealConfig,
} from "@/lib/config/schema";

export type LaunchConfigurationSwapApp = LaunchSwapAppConfig & {
  blue: { launchConfiguration: string };
  green: { launchConfiguration: string };
};
export type LaunchTemplateSwapApp = LaunchSwapAppConfig & {
  blue: { launchTemplate: { name?: string; id?: string; version: string } };
  green: { launchTemplate: { name?: string; id?: string; version: string } };
};

export interface DemoApps {
  /** Every demo application, in the config's order. */
  all: AppConfig[];
  dnsWeighted: DnsWeightedAppConfig[];
  ecsDnsSwap: EcsDnsSwapAppConfig[];
  ecsRolling: EcsRollingAppConfig[];
  albWeighted: AlbWeightedAppConfig[];
  ecsElbSwap: EcsElbSwapAppConfig[];
  asgSwap: AsgSwapAppConfig[];
  /** launch-swap between two launch configurations. */
  launchConfigurations: LaunchConfigurationSwapApp[];
  /** launch-swap between two versions of a launch template. */
  launchTemplates: LaunchTemplateSwapApp[];
}

function isLaunchConfigurationSwap(app: LaunchSwapAppConfig): app is LaunchConfigurationSwapApp {
  return "launchConfiguration" in app.blue && "launchConfiguration" in app.green;
}

function isLaunchTemplateSwap(app: LaunchSwapAppConfig): app is LaunchTemplateSwapApp {
  return "launchTemplate" in app.blue && "launchTemplate" in app.green;
}

/** The demo applications grouped by what the seed builds for them. */
export function demoAppsOf(config: TealConfig): DemoApps {
  const all = config.applications;
  const launchSwap = all.filter((a): a is LaunchSwapAppConfig => a.pattern === "launch-swap");
  return {
    all,
    dnsWeighted: all.filter((a): a is DnsWeightedAppConfig => a.pattern === "dns-weighted"),
    ecsDnsSwap: all.filter((a): a is EcsDnsSwapAppConfig => a.pattern === "ecs-dns-swap"),
    ecsRolling: all.filter((a): a is EcsRollingAppConfig => a.pattern === "ecs-rolling"),
    albWeighted: all.filter((a): a is AlbWeightedAppConfig => a.pattern === "alb-weighted"),
    ecsElbSwap: all.filter((a): a is EcsElbSwapAppConfig => a.pattern === "ecs-elb-swap"),
    asgSwap: all.filter((a): a is AsgSwapAppConfig => a.pattern === "asg-swap"),
    launchConfigurations: launchSwap.filter(isLaunchConfigurationSwap),
    launchTemplates: launchSwap.filter(isLaunchTemplateSwap),
  };
}

let cached: DemoApps | undefined;

/** The demo applications of the repository's teal.config.yaml (read once per process). */
export function demoApps(): DemoApps {
  cached ??= demoAppsOf(loadDemoConfig());
  return cached;
}

/** The first of a kind of demo application; the seed's summaries describe it. */
export function firstOf<T>(apps: T[], what: string): T {
  const app = apps[0];
  if (app === undefined) throw new Error(`teal.config.yaml defines no ${what} application: the practice range's demo world needs one.`);
  return app;
}

/**
 * How an application starts, when not as the demo's do (all traffic on blue, green on v42): the
 * seeds that write weights (dns-weighted, ecs-dns-swap, alb-weighted) take green's weight of 100,
 * and those that launch bare instances (dns-weighted, alb-weighted) the version green runs.
 */
export interface AppStart {
  /** Green's weight, blue's being 100 minus it (default 0). */
  greenWeight?: number;
  /** The version green's instances run (default v42); its profile is the range's (`/_sim/versions`). */
  greenVersion?: string;
}

/** Per application id, how it starts; an application not listed starts as the demo's do. */
export type AppStarts = ReadonlyMap<string, AppStart>;

/** Green's weight and version for an application (the demo's defaults when `starts` says nothing). */
export function startOf(starts: AppStarts | undefined, app: { id: string }): { greenWeight: number; greenVersion: string } {
  const start = starts?.get(app.id);
  return { greenWeight: start?.greenWeight ?? 0, greenVersion: start?.greenVersion ?? "v42" };
}

/**
 * The id's first word: names the config does not give (task families, asg-swap launch
 * configurations). A numbered id (fleet-007) is its own stem: its first word is shared by all.
 */
export function stem(app: { id: string }): string {
  if (/^[a-z]+-\d+$/.test(app.id)) return app.id;
  return app.id.split("-")[0] ?? app.id;
}

/** The classic load balancer an Auto Scaling application is attached to (the demo world uses classic ELBs). */
export function classicLoadBalancer(app: AsgSwapAppConfig | LaunchSwapAppConfig): string {
  if (app.loadBalancer.kind !== "classic") throw new Error(`${app.id}: the demo world attaches Auto Scaling groups to classic load balancers only.`);
  return app.loadBalancer.name;
}
