import { describe, expect, it } from "vitest";
import type { InstanceView } from "@/lib/domain/app-state";
import { colorHealth } from "./health";

function inst(over: Partial<InstanceView>): InstanceView {
  return { id: `i-${Math.random().toString(16).slice(2, 10)}`, health: "healthy", state: "InService", lifecycle: "InService", ...over };
}

const env = (instances: InstanceView[]) => ({
  healthy: instances.filter((i) => i.health === "healthy").length,
  unhealthy: instances.filter((i) => i.health === "unhealthy").length,
  instances,
});

// A classic ELB answers this while it registers an instance (AWS words it so; the range too).
const registering = { health: "unhealthy" as const, state: "OutOfService", description: "Instance registration is still in progress." };

describe("colorHealth", () => {
  it("reads blue's instances being attached again during a rollback step as starting, not down", () => {
    // The old derivation from counts alone: 0 healthy, 4 unhealthy, which the wall showed as "✕ Down".
    const blue = env([1, 2, 3, 4].map(() => inst(registering)));
    expect(blue).toMatchObject({ healthy: 0, unhealthy: 4 });
    expect(colorHealth(blue)).toMatchObject({ word: "starting", healthy: 0, total: 4, starting: 4, unhealthy: 0 });
    // Auto Scaling still bringing them back from standby, and ELBv2 targets in their initial state.
    expect(colorHealth(env([inst({ health: "unknown", state: "not registered", lifecycle: "Pending:Wait" })])).word).toBe("starting");
    expect(colorHealth(env([inst({ health: "unknown", state: "initial", lifecycle: "InService" })])).word).toBe("starting");
    expect(colorHealth(env([inst({ health: "unknown", state: "PROVISIONING", lifecycle: "PROVISIONING", kind: "task" })])).word).toBe("starting");
  });

  it("reads capacity leaving on purpose as draining, and Auto Scaling standby as standby", () => {
    expect(colorHealth(env([inst({ health: "draining", state: "draining" }), inst({ health: "draining", state: "draining" })])).word).toBe(
      "draining",
    );
    expect(colorHealth(env([inst({ health: "unhealthy", state: "OutOfService", lifecycle: "Terminating:Wait" })])).word).toBe("draining");
    expect(colorHealth(env([inst({ health: "unknown", state: "not registered", lifecycle: "Standby" })]))).toMatchObject({
      word: "standby",
      standby: 1,
    });
  });

  it("is healthy while some serve and others start or drain, degraded or down when health checks fail", () => {
    expect(colorHealth(env([inst({}), inst(registering)]))).toMatchObject({ word: "healthy", healthy: 1, starting: 1, total: 2 });
    const failing = {
      health: "unhealthy" as const,
      state: "OutOfService",
      description: "Instance has failed at least the UnhealthyThreshold number of health checks consecutively.",
    };
    expect(colorHealth(env([inst({}), inst(failing)]))).toMatchObject({ word: "degraded", unhealthy: 1 });
    expect(colorHealth(env([inst(failing), inst(failing)]))).toMatchObject({ word: "down", healthy: 0, unhealthy: 2 });
  });

  it("falls back to the counts without an instance list, and says none when there is nothing", () => {
    expect(colorHealth({ healthy: 0, unhealthy: 2, instances: [] }).word).toBe("down");
    expect(colorHealth({ healthy: 3, unhealthy: 0, instances: [] })).toMatchObject({ word: "healthy", total: 3 });
    expect(colorHealth({ healthy: 0, unhealthy: 0, instances: [] }).word).toBe("none");
  });
});
