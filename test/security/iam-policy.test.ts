// Least privilege, proven on the practice range: the policy `teal iam-policy` prints for
// teal.config.yaml's applications is set as the range's IAM policy (every AWS request authorized
// against it, a denied one answered AccessDenied in its service's shape), and every pattern's
// operations run to completion under it through Teal's engine: shift, promote, roll back, scale
// green, standby in and out, deploy a revision, with the observes, waits and metric reads that go
// with them. Then the same with each application's own policy (the policy of a config with that
// application alone), so one pattern's grants cannot hide another's gap; and with one action
// removed, an operation fails with Teal's plain access-denied message.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAwsGateway } from "@/lib/aws/gateway";
import { findOperation } from "@/lib/aws/operations";
import { loadDemoConfig, parseEnv } from "@/lib/config/load";
import type { AppConfig } from "@/lib/config/schema";
import type { Intent } from "@/lib/domain/intent";
import type { Actor } from "@/lib/domain/operation";
import { iamPolicy, type IamPolicyDocument } from "@/lib/iam/policy";
import { planningFor } from "@/lib/patterns/catalog";
import { observeApp } from "@/lib/runtime/observe";
import { planIntent } from "@/lib/runtime/plan-service";
import type { Runtime } from "@/lib/runtime/runtime";
import { openStore, type Store } from "@/lib/store/store";
import { renderMetrics } from "@/lib/telemetry/metrics";
import { runTeal } from "@/scripts/teal-cli";
import { seedDemoWorld } from "@/range/demo/seed";
import { advanceRange, createRangeEngine } from "@/test/reliability/crash-suite";
import { startTestRange, type TestRange } from "@/test/support/range";
import { createClients } from "@/lib/aws/clients";
import { UpdateAutoScalingGroupCommand } from "@aws-sdk/client-auto-scaling";

const OPERATOR: Actor = { id: "u-op", email: "operator@example.com", role: "operator" };
const ACCOUNT = "123456789012";
/** Auto Scaling and ECS tasks start in tens of seconds here; the world's durations are otherwise AWS's. */
const RANGE_CONFIG = { ecsTaskStartMinMs: 20_000, ecsTaskStartMaxMs: 30_000 };

/** The operations each pattern runs, in an order each one can follow the last. */
function scriptFor(app: AppConfig): Intent[] {
  switch (app.pattern) {
    case "ecs-rolling":
      return [{ kind: "deploy-revision", taskDefinition: "notifications:42" }, { kind: "rollback" }];
    case "asg-swap":
      return [
        { kind: "scale-green", capacity: 2 },
        { kind: "shift", greenPercent: 50 },
        { kind: "standby-enter", color: "green" },
        { kind: "standby-exit", color: "green" },
        { kind: "promote" },
        { kind: "rollback" },
      ];
    case "launch-swap":
      return [
        { kind: "shift", greenPercent: 50 },
        { kind: "standby-enter", color: "blue" },
        { kind: "standby-exit", color: "blue" },
        { kind: "promote" },
        { kind: "rollback" },
      ];
    case "ecs-dns-swap":
      // The demo's green service wants 2 tasks.
      return [{ kind: "scale-green", capacity: 3 }, { kind: "shift", greenPercent: 50 }, { kind: "promote" }, { kind: "rollback" }];
    case "ecs-elb-swap":
      // Green's tasks are its share here: one of four first, then half.
      return [{ kind: "scale-green", capacity: 1 }, { kind: "shift", greenPercent: 50 }, { kind: "promote" }, { kind: "rollback" }];
    case "dns-weighted":
    case "alb-weighted":
      return [{ kind: "shift", greenPercent: 50 }, { kind: "promote" }, { kind: "rollback" }];
  }
}

let range: TestRange;
let store: Store;
let rt: Runtime;
let dir = "";
let zoneId = "";
const config = loadDemoConfig();

async function setPolicy(policy: IamPolicyDocument | null): Promise<void> {
  const res = await fetch(`${range.url}/_sim/iam`, policy === null ? { method: "DELETE" } : { method: "PUT", body: JSON.stringify(policy) });
  expect(res.status, await res.text()).toBe(200);
}

/** Plans the intent as the actions do, runs it through the engine on the range's clock; its end. */
async function run(app: AppConfig, intent: Intent): Promise<{ status: string; errors: string[] }> {
  const { result } = await planIntent(rt, app, intent);
  if (!result.ok) return { status: `refused: ${result.reason}`, errors: [] };
  if (result.plan.steps.length === 0) return { status: "nothing to do", errors: [] };
  const { operationId } = await rt.engine.start({ plan: result.plan, actor: OPERATOR, reason: "least privilege" });
  await rt.engine.whenIdle(operationId);
  const op = await store.getOperation(operationId);
  return { status: op?.status ?? "missing", errors: [op?.error, ...(op?.steps ?? []).map((s) => s.error)].filter((e): e is string => !!e) };
}

/** `service:operation` of every AWS request Teal's clients counted (lib/aws/telemetry.ts), with its count. */
function sentSoFar(): Map<string, number> {
  const sent = new Map<string, number>();
  for (const m of renderMetrics().matchAll(/^teal_aws_requests_total\{([^}]*)\} (\d+)/gm)) {
    const labels = Object.fromEntries([...(m[1] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    const key = `${labels.service}:${labels.operation}`;
    sent.set(key, (sent.get(key) ?? 0) + Number(m[2]));
  }
  return sent;
}

beforeAll(async () => {
  range = await startTestRange(RANGE_CONFIG);
  const demo = await seedDemoWorld(range.url);
  zoneId = demo.hostedZoneId.replace("/hostedzone/", "");
  const clients = createClients({ region: "us-east-1", endpoint: range.url });
  // Room for a launch-swap promote (new instances launch before old ones leave: twice the group).
  for (const name of ["checkout-web", "search-api"]) {
    await clients.autoscaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: name, MaxSize: 12 }));
  }
  await advanceRange(range, 180_000);
  dir = mkdtempSync(path.join(tmpdir(), "teal-iam-"));
  store = await openStore(`file:${path.join(dir, "teal.db")}`);
  const apps = new Map(config.applications.map((a) => [a.id, a]));
  rt = {
    env: parseEnv({ TEAL_REFRESH_MS: "5000" }),
    config,
    store,
    engine: createRangeEngine(range, store, createAwsGateway(clients)),
    clients: () => clients,
    patientClients: () => clients,
    pageClients: () => clients,
    readBudget: null,
    app: (id) => apps.get(id),
  };
}, 120_000);

afterAll(async () => {
  await setPolicy(null).catch(() => undefined);
  await store?.close();
  await range?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("teal iam-policy on the range in IAM mode", () => {
  it("lets every pattern's operations, observes and metric reads pass, and Teal sends nothing the table lacks", async () => {
    const out: string[] = [];
    const code = await runTeal(["iam-policy", "--account", ACCOUNT, "--zone", `example.com.=${zoneId}`], {
      out: (l) => out.push(l),
      err: () => undefined,
      env: { TEAL_CONFIG: "teal.config.yaml" },
      cwd: process.cwd(),
    });
    expect(code).toBe(0);
    await setPolicy(JSON.parse(out.join("\n")) as IamPolicyDocument);

    const before = sentSoFar();
    const outcomes: string[] = [];
    for (const app of config.applications) {
      const script = scriptFor(app);
      // Every intent the pattern offers is in its script.
      expect(new Set(script.map((i) => i.kind)), app.id).toEqual(new Set(planningFor(app.pattern)?.description.intents));
      for (const intent of script) {
        const { status, errors } = await run(app, intent);
        outcomes.push(`${app.id} ${intent.kind}: ${status}${errors.length ? ` (${errors.join("; ")})` : ""}`);
      }
      // The pages' read: the state and its CloudWatch series.
      const read = await observeApp(rt, app, { nowMs: range.nowMs() });
      outcomes.push(`${app.id} metrics: ${read.metricsError === null ? "read" : String(read.metricsError)}`);
    }
    const expected = config.applications.flatMap((app) => [
      ...scriptFor(app).map((i) => `${app.id} ${i.kind}: succeeded`),
      `${app.id} metrics: read`,
    ]);
    expect(outcomes).toEqual(expected);

    // No request was denied, and every operation Teal sent is in the table.
    const stats = (await (await fetch(`${range.url}/_sim/stats`)).json()) as { requests?: { status: number }[] };
    expect((stats.requests ?? []).filter((r) => r.status === 403)).toEqual([]);
    const after = sentSoFar();
    const sent = [...after.keys()].filter((k) => (after.get(k) ?? 0) > (before.get(k) ?? 0));
    expect(sent.length).toBeGreaterThan(15);
    expect(sent.filter((k) => findOperation(k.split(":")[0] ?? "", k.split(":")[1] ?? "") === undefined)).toEqual([]);
  }, 240_000);

  it("lets each application pass on its own policy, a config with it alone", async () => {
    for (const app of config.applications) {
      await setPolicy(iamPolicy([app], { account: ACCOUNT, zoneIds: { "example.com.": zoneId } }).policy);
      // A shift (a deploy for ecs-rolling), then back to blue.
      const change: Intent =
        app.pattern === "ecs-rolling" ? { kind: "deploy-revision", taskDefinition: "notifications:42" } : { kind: "shift", greenPercent: 50 };
      const outcomes = [];
      for (const intent of [change, { kind: "rollback" } as const]) {
        const { status, errors } = await run(app, intent);
        outcomes.push(`${intent.kind}: ${status}${errors.length ? ` (${errors.join("; ")})` : ""}`);
      }
      expect(outcomes, app.id).toEqual([`${change.kind}: succeeded`, "rollback: succeeded"]);
      expect((await observeApp(rt, app, { nowMs: range.nowMs() })).metricsError, app.id).toBeNull();
    }
  }, 240_000);

  it("fails an operation with Teal's plain access-denied message when the policy lacks one needed action", async () => {
    const shop = config.applications.find((a) => a.id === "shop");
    if (!shop) throw new Error("no shop in the demo config");
    const { policy } = iamPolicy([shop], { account: ACCOUNT, zoneIds: { "example.com.": zoneId } });
    const without: IamPolicyDocument = {
      ...policy,
      Statement: policy.Statement.map((s) => ({ ...s, Action: s.Action.filter((a) => a !== "route53:ChangeResourceRecordSets") })).filter(
        (s) => s.Action.length > 0,
      ),
    };
    expect(JSON.stringify(without)).not.toContain("ChangeResourceRecordSets");
    await setPolicy(without);
    const { status, errors } = await run(shop, { kind: "shift", greenPercent: 25 });
    expect(status).toBe("failed");
    expect(errors).toContain(
      "ChangeResourceRecordSets failed: AccessDenied: Teal's AWS credentials are not allowed to do this (IAM action route53:ChangeResourceRecordSets; teal iam-policy prints the policy Teal needs)",
    );
    for (const e of errors) expect(e).not.toMatch(/arn:|\d{12}|not authorized to perform/);

    // A read the observe needs, removed: planning itself is refused the same way.
    await setPolicy({
      ...policy,
      Statement: policy.Statement.map((s) => ({ ...s, Action: s.Action.filter((a) => a !== "elasticloadbalancing:DescribeInstanceHealth") })).filter(
        (s) => s.Action.length > 0,
      ),
    });
    await expect(planIntent(rt, shop, { kind: "shift", greenPercent: 25 })).rejects.toMatchObject({
      code: "forbidden",
      userMessage:
        "DescribeInstanceHealth failed: AccessDenied: Teal's AWS credentials are not allowed to do this (IAM action elasticloadbalancing:DescribeInstanceHealth; teal iam-policy prints the policy Teal needs)",
    });
  }, 60_000);
});
