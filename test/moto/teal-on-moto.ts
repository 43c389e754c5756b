/**
 * Test support for the proof on moto: Teal's own runtime (the server's client sets, a SQLite store,
 * the engine) pointed at a `moto_server` started by the cross-check harness, and the one
 * "observe, plan, check the version, start, run to the end" path the server's actions take
 * (`planIntent`, `expectVersion`, `engine.start`: what `runIntent` composes, without the server's
 * snapshot singleton). Nothing here knows an id of the practice range: every test seeds moto
 * through the SDK and reads its network (the default VPC) from EC2.
 *
 * moto has no clock, so Teal's waits are the real ones: each check reads moto, and a condition moto
 * never reaches makes the engine fail the step after the wait's timeout, scaled by
 * TEAL_WAIT_SCALE as the server scales it.
 */
import { describe, expect, it } from "vitest";
import { DescribeSubnetsCommand, DescribeVpcsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { parseEnv } from "@/lib/config/load";
import { tealConfigSchema, type AppConfig } from "@/lib/config/schema";
import type { Actor, Operation } from "@/lib/domain/operation";
import type { Intent } from "@/lib/domain/intent";
import type { AppState } from "@/lib/domain/app-state";
import type { PlanResult } from "@/lib/domain/plan";
import { createEngine } from "@/lib/engine/engine";
import { expectVersion, planIntent } from "@/lib/runtime/plan-service";
import { createAwsAccess, type Runtime } from "@/lib/runtime/runtime";
import { observeApp, type Observation } from "@/lib/runtime/observe";
import { openTestStore, type TestStore } from "@/test/support/store";
import { runToEnd } from "@/test/support/budget";
import { motoAvailable as probeMoto, startMoto, type ClientConfig, type Target } from "../crosscheck/harness";

let available: boolean | null = null;

/** Whether `moto_server` can be started from the PATH (probed once per process: the probe starts Python). */
export function motoAvailable(): boolean {
  available ??= probeMoto();
  return available;
}

/** An AMI id moto ships with (moto refuses unknown AMIs). */
export const IMAGE_ID = "ami-12c6146b";

export const OPERATOR: Actor = { id: "operator", email: "operator@example.com", role: "operator" };

/**
 * The wait scale of these suites (TEAL_WAIT_SCALE): every wait moto answers at once holds on its
 * first check, and one moto never satisfies fails after its timeout × 0.002 (a 15 min Auto Scaling
 * wait: 1.8 s; the Auto Scaling planners never go below 1 s).
 */
export const WAIT_SCALE = "0.002";

/**
 * The engine's pauses before it checks again a `skipIf` that failed transiently, or resends a call
 * refused as busy: 5 tries as on the server, from 50 ms instead of 2 s (moto answers 500 to every
 * traffic-source call, and the server's pauses would spend 30 s on each such step).
 */
export const CALL_RETRY = { attempts: 5, firstPauseMs: 50 };

/**
 * The block a suite shows when `moto_server` is missing: one test that says so loudly, and fails
 * when TEAL_REQUIRE_MOTO=1 (as the cross-check suite does).
 */
export function describeMotoMissing(what: string): void {
  describe.runIf(!motoAvailable())(`${what} on moto (moto_server not on the PATH)`, () => {
    it("is not run: moto_server is missing", () => {
      console.warn(
        `\n*** PROOF ON MOTO NOT RUN (${what}): \`moto_server\` (moto 5.2.1) is not on the PATH, so Teal was NOT run against an ` +
          "emulator it did not write. Install moto[server] or set TEAL_REQUIRE_MOTO=1 to make this a failure. ***\n",
      );
      expect(process.env.TEAL_REQUIRE_MOTO, "TEAL_REQUIRE_MOTO=1 but moto_server is not on the PATH").not.toBe("1");
    });
  });
}

export interface MotoNetwork {
  vpcId: string;
  /** Two subnets of the default VPC, in two Availability Zones (sorted by zone). */
  subnets: { id: string; zone: string }[];
}

/** moto's default VPC and two of its subnets, read through EC2 (never assumed). */
export async function defaultNetwork(client: ClientConfig): Promise<MotoNetwork> {
  const ec2 = new EC2Client(client);
  try {
    const vpcs = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "is-default", Values: ["true"] }] }));
    const vpcId = vpcs.Vpcs?.[0]?.VpcId;
    if (!vpcId) throw new Error("moto has no default VPC");
    const out = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }));
    const subnets = (out.Subnets ?? [])
      .map((s) => ({ id: s.SubnetId ?? "", zone: s.AvailabilityZone ?? "" }))
      .sort((a, b) => a.zone.localeCompare(b.zone))
      .slice(0, 2);
    if (subnets.length < 2) throw new Error("moto's default VPC has fewer than two subnets");
    return { vpcId, subnets };
  } finally {
    ec2.destroy();
  }
}

export interface TealOnMoto {
  moto: Target;
  rt: Runtime;
  /** Closes the store, then moto. */
  close(): Promise<void>;
}

/** Starts moto and a Teal runtime for it: the server's client sets and engine, on a fresh SQLite store. */
export async function startTealOnMoto(): Promise<TealOnMoto> {
  const moto = await startMoto();
  let testStore: TestStore | null = null;
  try {
    testStore = await openTestStore("sqlite");
    const store = testStore.store;
    // The server's environment, pointed at moto; the AWS budget at its defaults.
    const env = parseEnv({ AWS_ENDPOINT_URL: moto.clientConfig.endpoint, AWS_REGION: moto.clientConfig.region, TEAL_WAIT_SCALE: WAIT_SCALE });
    const access = createAwsAccess(env);
    const apps = new Map<string, AppConfig>();
    const rt: Runtime = {
      env,
      // Filled by `configure` once the applications are seeded (their ids come from moto).
      config: { applications: [] },
      store,
      engine: createEngine({ store, gateway: access.gateway, callRetry: CALL_RETRY }),
      ...access,
      app: (id) => apps.get(id),
    };
    const opened = testStore;
    return {
      moto,
      rt,
      close: async () => {
        await opened.cleanup();
        await moto.close();
      },
    };
  } catch (err) {
    await testStore?.cleanup();
    await moto.close();
    throw err;
  }
}

/** Validates applications as the server validates teal.config.yaml and installs them in the runtime. */
export function configure(rt: Runtime, applications: unknown[]): AppConfig[] {
  const config = tealConfigSchema.parse({ applications });
  rt.config = config;
  const byId = new Map(config.applications.map((a) => [a.id, a]));
  rt.app = (id) => byId.get(id);
  return config.applications;
}

/** The configured application `id`. */
export function appOf(rt: Runtime, id: string): AppConfig {
  const app = rt.app(id);
  if (!app) throw new Error(`${id} is not configured`);
  return app;
}

/** Teal's one observe of an application (what the pages and the plans start from). */
export function observe(rt: Runtime, app: AppConfig): Promise<Observation> {
  return observeApp(rt, app);
}

export interface Ran {
  /** The state the plan was made from. */
  before: AppState;
  operation: Operation;
}

/**
 * What a server action does with an intent: observe, plan, refuse when the state moved since
 * `expectedVersion` (the version the operator looked at), start the plan through the engine; then
 * waits for the journal to say the operation ended.
 */
export async function runIntentToEnd(rt: Runtime, app: AppConfig, intent: Intent, expectedVersion?: string): Promise<Ran> {
  const { state, result } = await planIntent(rt, app, intent);
  if (expectedVersion !== undefined) expectVersion(state, { version: expectedVersion, changed: () => "The state changed." });
  return { before: state, operation: (await runPlan(rt, result)).operation };
}

/** Starts a planner's plan through the engine, as an operator would, and waits for the journal to say it ended. */
export async function runPlan(rt: Runtime, result: PlanResult): Promise<{ operation: Operation }> {
  if (!result.ok) throw new Error(`Teal refused to plan: ${result.reason}`);
  const { operationId } = await rt.engine.start({ plan: result.plan, actor: OPERATOR, reason: `proof on moto: ${result.plan.intent.kind}` });
  await runToEnd(rt.store, operationId);
  const operation = await rt.store.getOperation(operationId);
  if (!operation) throw new Error(`operation ${operationId} is not in the journal`);
  return { operation };
}

/** An operation's steps as `id: status` (with the error of a failed step), for exact assertions. */
export function stepOutcomes(op: Operation): string[] {
  return op.steps.map((s) => `${s.id}: ${s.status}${s.error ? ` (${s.error})` : ""}`);
}
