/**
 * A long run of failed AWS calls must leave a trace in the server's log and metrics. Against a
 * practice range told to fail (its `/_sim/faults` control API) and the product's SDK clients, a
 * real engine on SQLite runs an operation whose call fails, and a read is throttled: every failed
 * HTTP request gets an `aws.error` or `aws.throttled` line naming the service, the operation and
 * (for the engine's call) the operation id, the failed operation gets an `operation.failed` line,
 * and the counters of `/metrics` move by as many requests.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DescribeLoadBalancersCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/domain/operation";
import { createClients, type AwsClients } from "@/lib/aws/clients";
import { createAwsGateway } from "@/lib/aws/gateway";
import { createEngine } from "@/lib/engine/engine";
import { openStore, type Store } from "@/lib/store/store";
import { addLogSink } from "@/lib/telemetry/log";
import { renderMetrics } from "@/lib/telemetry/metrics";
import { awsRequests, awsThrottles, operationsFinished } from "@/lib/telemetry/teal-metrics";
import { rollbackToBluePlan } from "@/test/support/engine/plans";
import { startTestRange, type TestRange } from "@/test/support/range";

const responder: Actor = { id: "u-resp", email: "responder@example.com", role: "responder" };

let range: TestRange;
let store: Store;
let clients: AwsClients;
let dir: string;
let lines: Record<string, unknown>[] = [];
let stopListening: () => void = () => undefined;

async function setFaults(faults: Record<string, number> | null): Promise<void> {
  const res = await fetch(`${range.url}/_sim/faults`, faults === null ? { method: "DELETE" } : { method: "POST", body: JSON.stringify(faults) });
  expect(res.status, await res.text()).toBe(200);
}

const linesOf = (event: string) => lines.filter((l) => l.event === event);

beforeAll(async () => {
  range = await startTestRange({}, undefined, "aws-log");
  dir = mkdtempSync(join(tmpdir(), "teal-aws-log-"));
  store = await openStore(`file:${join(dir, "teal.db")}`);
  // The product's settings but two attempts a call: each failed call is two failed HTTP requests.
  clients = createClients({ region: "us-east-1", endpoint: range.url, maxAttempts: 2 });
  stopListening = addLogSink((line) => lines.push(JSON.parse(line) as Record<string, unknown>), { quiet: true, level: "info" });
});

afterAll(async () => {
  stopListening();
  await store?.close();
  await range?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("failed AWS calls in the log and the metrics", () => {
  it("logs every failed request of an operation's call with its operation id, and the failed operation", async () => {
    lines = [];
    const labels = { service: "route53", operation: "ChangeResourceRecordSets", region: "us-east-1", outcome: "error" };
    const before = awsRequests.get(labels);
    const failedBefore = operationsFinished.get({ pattern: "dns-weighted", intent: "rollback", outcome: "failed" });
    await setFaults({ errorRate: 1 });
    const engine = createEngine({ store, gateway: createAwsGateway(clients) });
    const { operationId } = await engine.start({ plan: rollbackToBluePlan("shop"), actor: responder, reason: "log test" });
    await engine.whenIdle(operationId);
    await setFaults(null);

    expect(await store.getOperationStatus(operationId)).toBe("failed");
    // This operation's lines: the sink hears the whole process, and a test file run before this
    // one in the same worker may still have reads of its own failing in the background.
    const errors = linesOf("aws.error").filter((l) => l.operationId === operationId || l.operation === "ChangeResourceRecordSets");
    expect(errors).toHaveLength(2);
    for (const line of errors) {
      expect(line).toMatchObject({
        level: "warn",
        service: "route53",
        operation: "ChangeResourceRecordSets",
        httpStatus: 500,
        operationId,
        appId: "shop",
      });
    }
    const failed = linesOf("operation.failed").filter((l) => l.operationId === operationId);
    expect(failed).toEqual([
      expect.objectContaining({ level: "error", operationId, appId: "shop", pattern: "dns-weighted", intent: "rollback", outcome: "failed" }),
    ]);
    expect(String(failed[0]?.error)).toMatch(/Step 1 .*failed/);
    expect(awsRequests.get(labels) - before).toBe(2);
    expect(operationsFinished.get({ pattern: "dns-weighted", intent: "rollback", outcome: "failed" }) - failedBefore).toBe(1);
  });

  it("logs and counts every throttled request", async () => {
    lines = [];
    const before = awsThrottles.get({ service: "elbv2", region: "us-east-1" });
    await setFaults({ throttleRate: 1 });
    await expect(clients.elbv2.send(new DescribeLoadBalancersCommand({}))).rejects.toMatchObject({ name: expect.stringMatching(/Throttl/) });
    await setFaults(null);
    const throttled = linesOf("aws.throttled");
    expect(throttled).toHaveLength(2);
    for (const line of throttled)
      expect(line).toMatchObject({ level: "warn", service: "elbv2", operation: "DescribeLoadBalancers", region: "us-east-1" });
    expect(awsThrottles.get({ service: "elbv2", region: "us-east-1" }) - before).toBe(2);
    expect(renderMetrics()).toMatch(
      /^teal_aws_requests_total\{operation="DescribeLoadBalancers",outcome="throttled",region="us-east-1",service="elbv2"\} \d+$/m,
    );
  });

  it("logs nothing for a request that succeeds, and counts it ok", async () => {
    lines = [];
    const labels = { service: "elbv2", operation: "DescribeLoadBalancers", region: "us-east-1", outcome: "ok" };
    const before = awsRequests.get(labels);
    await clients.elbv2.send(new DescribeLoadBalancersCommand({}));
    expect(lines).toEqual([]);
    expect(awsRequests.get(labels) - before).toBe(1);
  });
});
