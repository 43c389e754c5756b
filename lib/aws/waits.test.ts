// Count waits against the practice range with the real SDK clients: each poll aims at the Auto
// Scaling group's desired capacity as it is then, not at a count captured when the plan was made.
import { SetDesiredCapacityCommand } from "@aws-sdk/client-auto-scaling";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WaitCondition } from "@/lib/domain/plan";
import { seedAsg } from "@/range/demo/seed-asg";
import { startTestRange, type TestRange } from "@/test/support/range";
import { createClients, type AwsClients } from "./clients";
import { checkWait, inServiceTarget } from "./waits";

let range: TestRange;
let clients: AwsClients;

async function advance(ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 1000) {
    range.tick(Math.min(1000, ms - t));
    await fetch(`${range.url}/_sim/health`);
  }
}

const timing = { timeoutMs: 60_000, pollMs: 1_000 };

beforeAll(async () => {
  range = await startTestRange({ speed: 10 });
  await seedAsg(range.url);
  clients = createClients({ region: "us-east-1", endpoint: range.url, maxAttempts: 1 });
  await advance(60_000);
}, 60_000);

afterAll(async () => {
  await range?.close();
});

describe("inServiceTarget", () => {
  it("is the planned count, lowered to the desired capacity read now", () => {
    expect(inServiceTarget(5, 4)).toBe(4);
    expect(inServiceTarget(4, 6)).toBe(4);
    expect(inServiceTarget(4, 0)).toBe(0);
    expect(inServiceTarget(4, null)).toBe(4);
    expect(inServiceTarget(4, undefined)).toBe(4);
  });
});

describe("count waits on the practice range", () => {
  it("asg-in-service planned at 5 (counted while the group rebalanced) holds once the 4 instances it wants are InService", async () => {
    const wait: WaitCondition = { kind: "asg-in-service", groupName: "payments-blue", minInService: 5, ...timing };
    const check = await checkWait(clients, wait, null);
    expect(check).toEqual({ done: true, detail: "4 of 4 instances InService in payments-blue (planned 5; its desired capacity is 4 now)" });
  });

  it("elb-in-service follows the groups it names; without them the planned count stands", async () => {
    const capped: WaitCondition = {
      kind: "elb-in-service",
      loadBalancerName: "payments-lb",
      minInService: 5,
      groupNames: ["payments-blue", "payments-green"],
      ...timing,
    };
    expect(await checkWait(clients, capped, null)).toEqual({
      done: true,
      detail: "4 of 4 instances InService behind payments-lb (planned 5; the groups' desired capacity is 4 now)",
    });
    const plain: WaitCondition = { kind: "elb-in-service", loadBalancerName: "payments-lb", minInService: 5, ...timing };
    expect((await checkWait(clients, plain, null)).done).toBe(false);
  });

  it("a group scaled in during the wait lowers its target on the next poll", async () => {
    const wait: WaitCondition = { kind: "asg-in-service", groupName: "checkout-web", minInService: 5, ...timing };
    // checkout-web wants 4: the wait planned at 5 is done at 4 …
    expect((await checkWait(clients, wait, null)).done).toBe(true);
    // … and when something raises the group to 6, it waits for the 5 planned, no more.
    await clients.autoscaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "checkout-web", DesiredCapacity: 6 }));
    const growing = await checkWait(clients, wait, null);
    expect(growing).toEqual({ done: false, detail: "4 of 5 instances InService in checkout-web" });
    let check = growing;
    for (let i = 0; i < 60 && !check.done; i++) {
      await advance(5_000);
      check = await checkWait(clients, wait, null);
    }
    expect(check.done, check.detail).toBe(true);
    await clients.autoscaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "checkout-web", DesiredCapacity: 4 }));
  }, 60_000);
});
