/**
 * The fleet world: `RANGE_FLEET=N` generated applications beside the demo world, so Teal can be
 * exercised with hundreds of applications (the overview, the wall, the snapshot cadence).
 *
 * One function, `fleetApps`, defines them: the range seeds what it returns (through the AWS APIs,
 * with the demo's seeding code, `seedApps`), and the config Teal reads is written from it
 * (`fleetConfig`, `npx tsx range/main.ts --write-config FILE`), so the two cannot drift apart.
 *
 * Application i (1-based) is `fleet-00i`, named "Fleet 00i (pattern)", and takes the kind
 * `FLEET_KINDS[(i - 1) % 8]`: every pattern Teal supports, launch-swap both between launch
 * configurations and between launch template versions. Its resources are named after its id
 * (`fleet-001-blue`, `fleet-002-alb`, …); the DNS ones are records of the demo zone, the ECS ones
 * services of the cluster `fleet`.
 *
 * A few start in a state an overview has to show (`fleetStarts`), each made with what the range
 * already has — weights written by the seed, and versions whose profile the control API sets:
 * traffic left split, a failing green (5xx), a green whose instances fail their health checks, and
 * a slower green. Everything is a function of N: the same N, the same fleet.
 */
import { stringify } from "yaml";
import { loadDemoConfig } from "@/lib/config/load";
import { appConfigSchema, tealConfigSchema, type AppConfig, type TealConfig } from "@/lib/config/schema";
import { demoAppsOf, type AppStart } from "./demo-apps";
import { seedApps, type SeededApps } from "./seed";

/** The most applications a fleet may have. */
export const FLEET_MAX = 500;
/** The ECS cluster of the fleet's services. */
export const FLEET_CLUSTER = "fleet";
/** The hosted zone of the fleet's records: the demo's (the range's DNS applications share one zone). */
export const FLEET_ZONE = "example.com.";

/** The kinds the fleet cycles through, in order. */
export const FLEET_KINDS = [
  "dns-weighted",
  "ecs-dns-swap",
  "ecs-rolling",
  "alb-weighted",
  "ecs-elb-swap",
  "asg-swap",
  "launch-swap",
  "launch-swap-template",
] as const;
export type FleetKind = (typeof FLEET_KINDS)[number];

/**
 * Version profiles of the fleet's troubled greens, set through the control API
 * (`PUT /_sim/versions/NAME`) before the fleet is seeded.
 */
export const FLEET_VERSIONS = {
  /** Answers one request in five with a 5xx: the green verdict says failing. */
  "v42-failing": { baseLatencyMs: 35, errorRate: 0.2, connectionErrorRate: 0.0002, capacityRps: 150, healthy: true },
  /** Ten times blue's latency: the green verdict says slower. */
  "v42-slow": { baseLatencyMs: 400, errorRate: 0.0008, connectionErrorRate: 0.0002, capacityRps: 150, healthy: true },
  /** Fails its health checks: green's instances are OutOfService. */
  "v42-broken": { baseLatencyMs: 35, errorRate: 0.0008, connectionErrorRate: 0.0002, capacityRps: 150, healthy: false },
} as const;

/** How a fleet application starts, and why (what an overview should show for it). */
export interface FleetStart extends AppStart {
  why: "left split" | "failing green" | "unhealthy green" | "slower green";
}

/** The fleet's troubles recur every this many rounds of the kinds (one round: 8 applications). */
const TROUBLE_EVERY = 12;

/**
 * The starts that are not the demo's default, by kind and by round (0-based, `floor((i - 1) / 8)`)
 * modulo TROUBLE_EVERY: rounds 1–3 of every 12, so 32 applications hold one of each and 200 hold 12
 * troubled applications.
 */
const TROUBLES: Partial<Record<FleetKind, Record<number, FleetStart>>> = {
  "dns-weighted": {
    1: { why: "left split", greenWeight: 30 },
    2: { why: "unhealthy green", greenVersion: "v42-broken" },
    3: { why: "slower green", greenWeight: 20, greenVersion: "v42-slow" },
  },
  "ecs-dns-swap": { 1: { why: "left split", greenWeight: 50 } },
  "alb-weighted": {
    1: { why: "failing green", greenWeight: 25, greenVersion: "v42-failing" },
    2: { why: "left split", greenWeight: 60 },
  },
};

/** Checks a fleet size: an integer from 0 to FLEET_MAX. */
export function checkFleetSize(n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > FLEET_MAX) throw new Error(`A fleet has 0 to ${FLEET_MAX} applications, not ${n}.`);
  return n;
}

/** The id of the fleet's i-th application (1-based): fleet-007. */
export function fleetAppId(i: number): string {
  return `fleet-${String(i).padStart(3, "0")}`;
}

/** The kind of the fleet's i-th application (1-based). */
export function fleetKind(i: number): FleetKind {
  const kind = FLEET_KINDS[(i - 1) % FLEET_KINDS.length];
  if (kind === undefined) throw new Error(`No fleet application ${i}.`);
  return kind;
}

/** The config entry of one fleet application, as it would be written in teal.config.yaml. */
function fleetEntry(i: number): Record<string, unknown> {
  const id = fleetAppId(i);
  const kind = fleetKind(i);
  const label = kind === "launch-swap-template" ? "launch-swap, template" : kind;
  const base = { id, name: `Fleet ${String(i).padStart(3, "0")} (${label})`, region: "us-east-1" };
  const dns = (recordType: string) => ({ hostedZone: FLEET_ZONE, recordName: `${id}.example.com.`, recordType });
  switch (kind) {
    case "dns-weighted":
      return {
        ...base,
        pattern: kind,
        dns: dns("CNAME"),
        blue: { setIdentifier: "blue", loadBalancer: `${id}-blue` },
        green: { setIdentifier: "green", loadBalancer: `${id}-green` },
      };
    case "ecs-dns-swap":
      return {
        ...base,
        pattern: kind,
        cluster: FLEET_CLUSTER,
        dns: dns("A"),
        blue: { service: `${id}-blue`, setIdentifier: "blue", loadBalancer: `${id}-blue`, targetGroup: `${id}-blue-tg` },
        green: { service: `${id}-green`, setIdentifier: "green", loadBalancer: `${id}-green`, targetGroup: `${id}-green-tg` },
      };
    case "ecs-rolling":
      return { ...base, pattern: kind, cluster: FLEET_CLUSTER, service: id, loadBalancer: `${id}-alb`, targetGroup: `${id}-tg` };
    case "alb-weighted":
      return {
        ...base,
        pattern: kind,
        loadBalancer: `${id}-alb`,
        listenerPort: 80,
        blue: { targetGroup: `${id}-blue` },
        green: { targetGroup: `${id}-green` },
      };
    case "ecs-elb-swap":
      return {
        ...base,
        pattern: kind,
        cluster: FLEET_CLUSTER,
        loadBalancer: `${id}-alb`,
        blue: { service: `${id}-blue`, targetGroup: `${id}-tg` },
        green: { service: `${id}-green`, targetGroup: `${id}-tg` },
        totalTasks: 4,
      };
    case "asg-swap":
      return {
        ...base,
        pattern: kind,
        loadBalancer: { kind: "classic", name: `${id}-lb` },
        blue: { autoScalingGroup: `${id}-blue` },
        green: { autoScalingGroup: `${id}-green`, idleCapacity: 0 },
      };
    case "launch-swap":
      return {
        ...base,
        pattern: kind,
        autoScalingGroup: id,
        loadBalancer: { kind: "classic", name: `${id}-lb` },
        blue: { launchConfiguration: `${id}-v41` },
        green: { launchConfiguration: `${id}-v42` },
      };
    case "launch-swap-template":
      return {
        ...base,
        pattern: "launch-swap",
        autoScalingGroup: id,
        loadBalancer: { kind: "classic", name: `${id}-lb` },
        blue: { launchTemplate: { name: id, version: "1" } },
        green: { launchTemplate: { name: id, version: "2" } },
      };
  }
}

/** The fleet's n applications, as Teal's config schema reads them (the one definition of the fleet). */
export function fleetApps(n: number): AppConfig[] {
  checkFleetSize(n);
  return Array.from({ length: n }, (_, k) => appConfigSchema.parse(fleetEntry(k + 1)));
}

/** How the fleet's troubled applications start, by application id; the others start as the demo's do. */
export function fleetStarts(n: number): Map<string, FleetStart> {
  checkFleetSize(n);
  const starts = new Map<string, FleetStart>();
  for (let i = 1; i <= n; i++) {
    const round = Math.floor((i - 1) / FLEET_KINDS.length);
    const start = TROUBLES[fleetKind(i)]?.[round % TROUBLE_EVERY];
    if (start !== undefined) starts.set(fleetAppId(i), start);
  }
  return starts;
}

/** Teal's whole config for the range with a fleet of n: the demo applications, then the fleet's. */
export function fleetConfig(n: number, root = process.cwd()): TealConfig {
  const demo = loadDemoConfig(root);
  return tealConfigSchema.parse({ ...demo, applications: [...demo.applications, ...fleetApps(n)] });
}

/** `fleetConfig` as a YAML file Teal reads through TEAL_CONFIG. */
export function fleetConfigYaml(n: number, root = process.cwd()): string {
  const header = [
    `# Teal's applications for the practice range with RANGE_FLEET=${n}: the demo world and ${n} fleet applications.`,
    "# Generated by `npx tsx range/main.ts --write-config FILE` from range/demo/fleet.ts; do not edit.",
  ].join("\n");
  return `${header}\n${stringify(fleetConfig(n, root))}`;
}

/** Sets the fleet's version profiles on the range at `endpointUrl` through its control API. */
export async function putFleetVersions(endpointUrl: string): Promise<void> {
  for (const [name, profile] of Object.entries(FLEET_VERSIONS)) {
    const res = await fetch(`${endpointUrl}/_sim/versions/${encodeURIComponent(name)}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(profile),
    });
    if (!res.ok) throw new Error(`PUT /_sim/versions/${name} answered ${res.status}: ${await res.text()}`);
  }
}

/**
 * Seeds the fleet of n on the range at `endpointUrl` (beside the demo world, which must be there
 * first or not at all): its version profiles, then its applications through the AWS APIs.
 */
export async function seedFleet(endpointUrl: string, n: number, region = "us-east-1"): Promise<SeededApps> {
  await putFleetVersions(endpointUrl);
  // The fleet's task families hold only the revisions its services use (v41, v42; ecs-rolling also v40).
  return seedApps(endpointUrl, region, demoAppsOf({ applications: fleetApps(n) }), { starts: fleetStarts(n), pastRevisions: false });
}
