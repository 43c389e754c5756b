import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SimHttpRequest } from "./http";
import { READ_LAG_MS, startRange, type RunningRange } from "./server";

// On the wall clock a read may find the world up to READ_LAG_MS behind; a change, a control request
// that changes something, and every request of a hand-driven range bring it to the moment first.
// The clock here is a variable standing in for the wall clock (no `advanceClock`: not a manual
// range), and the background tick is held still so only requests move the world.

let clock = Date.UTC(2026, 0, 1, 12);
let range: RunningRange;

function request(method: string, path: string, form?: Record<string, string>): SimHttpRequest {
  const body = form ? new URLSearchParams(form).toString() : "";
  return {
    method,
    path,
    query: new URLSearchParams(),
    headers: form
      ? {
          "content-type": "application/x-www-form-urlencoded",
          authorization: "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/elasticloadbalancing/aws4_request, SignedHeaders=host, Signature=x",
        }
      : {},
    body: Buffer.from(body),
    remoteAddress: "127.0.0.1",
  };
}

const elbRead = () => request("POST", "/", { Action: "DescribeLoadBalancers", Version: "2012-06-01" });
const elbChange = () =>
  request("POST", "/", {
    Action: "CreateLoadBalancer",
    Version: "2012-06-01",
    LoadBalancerName: `lb-${clock}`,
    "Listeners.member.1.Protocol": "HTTP",
    "Listeners.member.1.LoadBalancerPort": "80",
    "Listeners.member.1.InstancePort": "80",
    "AvailabilityZones.member.1": "us-east-1a",
  });

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
  range = await startRange({ port: 0, host: "127.0.0.1", now: () => clock, seed: "read-lag" });
});

afterAll(async () => {
  await range.close();
  vi.useRealTimers();
});

describe("how far a read may find the world behind the clock", () => {
  it("a read within READ_LAG_MS of the last advance does not step the world; one past it does", async () => {
    await range.handle(request("POST", "/_sim/faults"));
    const at = range.world.nowMs;
    expect(at).toBe(clock);

    clock += READ_LAG_MS - 1;
    expect((await range.handle(elbRead())).status).toBe(200);
    expect(range.world.nowMs).toBe(at);
    expect((await range.handle(request("GET", "/_sim/health"))).status).toBe(200);
    expect(range.world.nowMs).toBe(at);

    clock += 1;
    expect((await range.handle(elbRead())).status).toBe(200);
    expect(range.world.nowMs).toBe(clock);
  });

  it("a change always brings the world to the moment first", async () => {
    clock += 1;
    const response = await range.handle(elbChange());
    expect(response.status, String(response.body)).toBe(200);
    expect(range.world.nowMs).toBe(clock);
  });

  it("a control request that changes something does too", async () => {
    clock += 1;
    expect((await range.handle(request("DELETE", "/_sim/faults"))).status).toBeLessThan(300);
    expect(range.world.nowMs).toBe(clock);
  });
});

describe("a range on a hand-driven clock", () => {
  it("advances to the moment on every read", async () => {
    let manual = Date.UTC(2026, 0, 1, 12);
    const hand = await startRange({ port: 0, host: "127.0.0.1", now: () => manual, seed: "read-lag-manual", advanceClock: (ms) => (manual += ms) });
    try {
      await hand.handle(request("GET", "/_sim/health"));
      manual += 1;
      expect((await hand.handle(elbRead())).status).toBe(200);
      expect(hand.world.nowMs).toBe(manual);
    } finally {
      await hand.close();
    }
  });
});
