import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { AppState, EnvironmentState } from "@/lib/domain/app-state";
import { TrafficSplitPanel } from "./traffic-split-panel";

function env(color: "blue" | "green"): EnvironmentState {
  return { color, version: "v", loadBalancer: { kind: "target-group", name: `${color}-tg` }, healthy: 2, unhealthy: 0, instances: [] };
}

/** Configured 50 % green, observed 20 %: a gap of 30 points. */
function state(over: Partial<AppState>): AppState {
  return {
    appId: "app",
    pattern: "alb-weighted",
    observedAt: "2026-12-07T00:00:00.000Z",
    environments: { blue: env("blue"), green: env("green") },
    configured: { greenPercent: 50 },
    observed: { greenPercent: 20, blueRequests: 800, greenRequests: 200, windowMinutes: 3 },
    granularityPercent: 1,
    version: "v",
    ...over,
  };
}

const render = (s: AppState) => renderToStaticMarkup(createElement(TrafficSplitPanel, { state: s }));

describe("TrafficSplitPanel", () => {
  it("explains a gap by DNS caching only where DNS moves the traffic", () => {
    const alb = render(state({}));
    expect(alb).toContain("Observed trails configured by 30 points");
    expect(alb).not.toContain("cache old answers");
    expect(alb).toContain("the last 3 min include requests from before the change");
    const dns = render(state({ pattern: "dns-weighted", dns: { hostedZoneId: "Z1", records: [], changeStatus: null, reactionSeconds: 180 } }));
    expect(dns).toContain("clients still cache old answers");
  });

  it("says an unmeasured observed split is not measured, never no traffic", () => {
    const html = render(state({ observed: { greenPercent: null, blueRequests: 0, greenRequests: 0, unmeasured: "metrics unavailable" } }));
    expect(html).toContain("Observed split: not measured");
    expect(html).toContain("CloudWatch could not be read");
    expect(html).not.toContain("no traffic");
    expect(html).not.toContain("Observed trails");
  });
});
