// The fleet world: the config Teal reads and the world the range seeds come from one definition;
// every fleet application exists on the range as Teal's own observers read it, through the real
// SDK clients over HTTP; the same N gives the same fleet.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClients, type AwsClients } from "@/lib/aws/clients";
import { parseTealConfig } from "@/lib/config/load";
import type { AppConfig } from "@/lib/config/schema";
import type { AppState } from "@/lib/domain/app-state";
import { observeWithPattern } from "@/lib/patterns/registry";
import { startTestRange, type TestRange } from "@/test/support/range";
import { demoApps } from "./demo-apps";
import { FLEET_KINDS, FLEET_MAX, FLEET_VERSIONS, fleetApps, fleetConfigYaml, fleetKind, fleetStarts, seedFleet, type FleetKind } from "./fleet";

/** Enough for one application of every kind in each of the fleet's troubled rounds (1–3). */
const N = 32;

describe("the fleet's config", () => {
  it("passes Teal's config schema with the demo applications first, 200 fleet applications of every kind after them", () => {
    const config = parseTealConfig(fleetConfigYaml(200), "fleet.config.yaml");
    const ids = config.applications.map((a) => a.id);
    expect(ids.slice(0, demoApps().all.length)).toEqual(demoApps().all.map((a) => a.id));
    expect(ids.slice(demoApps().all.length)).toEqual(Array.from({ length: 200 }, (_, k) => `fleet-${String(k + 1).padStart(3, "0")}`));
    const fleet = config.applications.slice(demoApps().all.length);
    expect(new Set(fleet.map((a) => a.pattern))).toEqual(
      new Set(["dns-weighted", "ecs-dns-swap", "ecs-rolling", "alb-weighted", "ecs-elb-swap", "asg-swap", "launch-swap"]),
    );
    expect(fleet[6]).toMatchObject({ name: "Fleet 007 (launch-swap)", blue: { launchConfiguration: "fleet-007-v41" } });
    expect(fleet[7]).toMatchObject({ name: "Fleet 008 (launch-swap, template)", blue: { launchTemplate: { name: "fleet-008", version: "1" } } });
    // What Teal reads back is what the range seeds from.
    expect(fleet).toEqual(fleetApps(200));
  });

  it("names resources AWS accepts: ELBv2 names of at most 32 characters, none shared between applications", () => {
    const names = fleetApps(FLEET_MAX).flatMap((a) => elbv2Names(a));
    expect(Math.max(...names.map((n) => n.length))).toBeLessThanOrEqual(32);
    // ecs-elb-swap's two colours share one target group on purpose; nothing else is shared.
    expect(new Set(names).size).toBe(names.length);
  });

  it("is the same for the same N, and a smaller fleet is the start of a larger one", () => {
    expect(fleetConfigYaml(200)).toBe(fleetConfigYaml(200));
    expect(fleetApps(N)).toEqual(fleetApps(200).slice(0, N));
    expect([...fleetStarts(200)]).toEqual([...fleetStarts(200)]);
    expect([...fleetStarts(N)]).toEqual([...fleetStarts(200)].filter(([id]) => Number(id.slice("fleet-".length)) <= N));
  });

  it("puts a small share of the fleet in trouble: 12 of 200, one of each trouble within the first 32", () => {
    const starts = fleetStarts(200);
    expect(starts.size).toBe(12);
    const whys = [...fleetStarts(N).values()].map((s) => s.why).sort();
    expect(whys).toEqual(["failing green", "left split", "left split", "left split", "slower green", "unhealthy green"]);
  });

  it("refuses a size out of range", () => {
    expect(() => fleetApps(FLEET_MAX + 1)).toThrow(/0 to 500/);
    expect(() => fleetApps(2.5)).toThrow();
  });
});

/** The ELBv2 names (ALBs and target groups) an application's config names. */
function elbv2Names(app: AppConfig): string[] {
  switch (app.pattern) {
    case "alb-weighted":
      return [app.loadBalancer, app.blue.targetGroup, app.green.targetGroup];
    case "ecs-elb-swap":
      return [app.loadBalancer, app.blue.targetGroup];
    case "ecs-rolling":
      return [app.loadBalancer ?? "", app.targetGroup ?? ""];
    case "ecs-dns-swap":
      return [app.blue.loadBalancer, app.green.loadBalancer, app.blue.targetGroup ?? "", app.green.targetGroup ?? ""];
    default:
      return [];
  }
}

/** What each kind serves once warm: instances or tasks, both colours together. */
const SERVING: Record<FleetKind, number> = {
  "dns-weighted": 6,
  "ecs-dns-swap": 6,
  "ecs-rolling": 4,
  "alb-weighted": 4,
  "ecs-elb-swap": 4,
  "asg-swap": 4,
  "launch-swap": 4,
  "launch-swap-template": 4,
};

describe(`a fleet of ${N} on the range, as Teal observes it`, () => {
  let range: TestRange;
  let clients: AwsClients;
  const states = new Map<string, AppState>();

  beforeAll(async () => {
    range = await startTestRange();
    await seedFleet(range.url, N);
    // Five minutes: instances boot, tasks start, health checks pass.
    for (let s = 0; s < 30; s++) {
      range.tick(10_000);
      await fetch(`${range.url}/_sim/health`);
    }
    clients = createClients({ region: "us-east-1", endpoint: range.url, maxAttempts: 1 });
    for (const app of fleetApps(N)) states.set(app.id, await observeWithPattern(clients, app));
  }, 60_000);

  afterAll(async () => {
    await range?.close();
  });

  it("has every application's resources, serving, with green's configured share as the fleet starts it", () => {
    const starts = fleetStarts(N);
    const seen = new Set<FleetKind>();
    for (const [k, app] of fleetApps(N).entries()) {
      const kind = fleetKind(k + 1);
      seen.add(kind);
      const state = states.get(app.id);
      const start = starts.get(app.id);
      const { blue, green } = state?.environments ?? {};
      const serving = (blue?.healthy ?? 0) + (green?.healthy ?? 0);
      const broken = start?.why === "unhealthy green";
      expect({ id: app.id, pattern: state?.pattern, serving, unhealthy: (blue?.unhealthy ?? 0) + (green?.unhealthy ?? 0) }).toEqual({
        id: app.id,
        pattern: app.pattern,
        serving: broken ? SERVING[kind] - 3 : SERVING[kind],
        unhealthy: broken ? 3 : 0,
      });
      if (kind !== "ecs-rolling")
        expect({ id: app.id, green: state?.configured.greenPercent }).toEqual({ id: app.id, green: start?.greenWeight ?? 0 });
    }
    expect([...seen].sort()).toEqual([...FLEET_KINDS].sort());
  });

  it("runs the troubled greens on the fleet's versions, whose profiles the range holds", async () => {
    for (const [id, start] of fleetStarts(N)) {
      if (start.greenVersion === undefined) continue;
      const green = states.get(id)?.environments.green;
      expect({ id, version: green?.version }).toEqual({ id, version: start.greenVersion });
      const res = await fetch(`${range.url}/_sim/versions/${start.greenVersion}`);
      expect(await res.json()).toEqual(FLEET_VERSIONS[start.greenVersion as keyof typeof FLEET_VERSIONS]);
    }
  });
});
