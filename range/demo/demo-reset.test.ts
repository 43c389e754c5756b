import { ChangeResourceRecordSetsCommand, ListResourceRecordSetsCommand, Route53Client } from "@aws-sdk/client-route-53";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDemoRange, type DemoRange } from "./demo";

let range: DemoRange;

beforeAll(async () => {
  range = await startDemoRange({ port: 0, historyMs: 20 * 60_000, seed: "reset" });
}, 60_000);

afterAll(async () => {
  await range.close();
});

describe("POST /_sim/reset on the demo range", () => {
  it("rebuilds the demo world through the API with its history, on the wall clock", async () => {
    const config = { endpoint: range.url, region: "us-east-1", credentials: { accessKeyId: "t", secretAccessKey: "t" } };
    const r53 = new Route53Client(config);
    try {
      const weights = async (): Promise<string[]> => {
        const out = await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: range.demo.hostedZoneId }));
        return (out.ResourceRecordSets ?? [])
          .filter((r) => r.Name === range.demo.recordName)
          .map((r) => `${r.SetIdentifier ?? ""}:${r.Weight ?? ""}`);
      };
      expect(await weights()).toEqual(["blue:100", "green:0"]);
      const before = { instances: range.world.instances.size, zone: range.demo.hostedZoneId };
      // A user's cutover, then a failed zone and a fault: reset must undo all of it.
      await r53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: range.demo.hostedZoneId,
          ChangeBatch: {
            Changes: range.demo.environments.map((env) => ({
              Action: "UPSERT" as const,
              ResourceRecordSet: {
                Name: range.demo.recordName,
                Type: "CNAME" as const,
                SetIdentifier: env.color,
                Weight: env.color === "blue" ? 0 : 100,
                TTL: 60,
                ResourceRecords: [{ Value: env.dnsName }],
              },
            })),
          },
        }),
      );
      expect(await weights()).toEqual(["blue:0", "green:100"]);
      await fetch(`${range.url}/_sim/zones/us-east-1a/fail`, { method: "POST" });

      const res = await fetch(`${range.url}/_sim/reset`, { method: "POST" });
      expect(res.status).toBe(200);
      expect(await weights()).toEqual(["blue:100", "green:0"]);
      expect(range.world.instances.size).toBe(before.instances);
      expect(range.world.faults.failedZones).toBeUndefined();
      // Same seed: the rebuilt world has the same ids.
      expect(range.demo.hostedZoneId).toBe(before.zone);
      expect(Math.abs(range.world.nowMs - Date.now())).toBeLessThan(5_000);
      // History again: metrics from before the reset's wall-clock moment.
      const oldest = Math.min(...[...range.world.instances.values()].map((i) => i.launchedAtMs));
      expect(oldest).toBeLessThan(Date.now() - 20 * 60_000);
      expect(range.metrics.listMetrics().length).toBeGreaterThan(0);
      const states = new Set([...range.world.instances.values()].map((i) => i.state));
      expect(states.has("pending")).toBe(false);
    } finally {
      r53.destroy();
    }
  }, 60_000);
});
