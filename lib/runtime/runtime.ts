import "server-only";
import type { AwsCall, WaitCondition } from "@/lib/domain/plan";
import type { MetricRead, AwsCallInfo, AwsGateway } from "@/lib/domain/gateway";
import type { JsonValue } from "@/lib/domain/basics";
import { AppError } from "@/lib/domain/app-error";
import { assumedRoleCredentials, roleKey, type AssumeRoleSpec, type TealCredentials } from "@/lib/aws/assume-role";
import {
  callBoundMs,
  callLimitsOf,
  createClients,
  describeCallBound,
  serverCredentials,
  type AwsClients,
  type AwsClientOptions,
} from "@/lib/aws/clients";
import { createAwsGateway } from "@/lib/aws/gateway";
import { budgetSpecs, createReadBudget, type BudgetClock, type BudgetPriority, type ReadBudget } from "@/lib/aws/read-budget";
import { loadTealConfig, parseEnv } from "@/lib/config/load";
import type { AppConfig, TealConfig, TealEnv } from "@/lib/config/schema";
import { createEngine, type Engine } from "@/lib/engine";
import { getStore, type Store } from "@/lib/store";

/** The server's singletons: configuration, AWS clients, store and engine. One per process. */
export interface Runtime {
  env: TealEnv;
  config: TealConfig;
  store: Store;
  engine: Engine;
  /**
   * Plan calls and plan observes: sent at once, counted against the AWS budget. Every client set is
   * per Region and role: with `role` (an application's `assumeRole`) its calls are signed with that
   * role's assumed credentials, else with the server's own.
   */
  clients(region: string, role?: AssumeRoleSpec): AwsClients;
  /**
   * Read-only clients whose calls ride out throttling, 5xx and unanswered requests (paused and
   * made again, like a wait's polls): what a rollback reads before it starts. Never for mutations.
   */
  patientClients(region: string, role?: AssumeRoleSpec): AwsClients;
  /**
   * The pages' reads (snapshots): each call waits its turn in the AWS budget, or fails fast when
   * the wait would be too long, and operations go first (docs/aws-behaviour.md §8.3).
   */
  pageClients(region: string, role?: AssumeRoleSpec): AwsClients;
  /** The AWS budget every client set counts against; null when it is off (`TEAL_READ_BUDGET=off`). */
  readBudget: ReadBudget | null;
  app(appId: string): AppConfig | undefined;
}

const holder = globalThis as typeof globalThis & { __tealRuntime?: Promise<Runtime> };

/**
 * How a rollback's reads ride out a faulty AWS: up to 8 tries of each call (each with the SDK's own
 * 3 attempts), pausing 0.2, 0.4, 0.8, 1.6 then 2 s between them (about 9 s at worst).
 */
const PATIENT_READS = { attempts: 8, firstPauseMs: 200, maxPauseMs: 2_000 } as const;

/**
 * Routes each plan call to the gateway of its region (each call carries the region of its plan context).
 * Plan calls go through the standard-retry clients; wait checks through adaptive ones.
 */
function regionalGateway(
  clientsFor: ClientSet,
  pollingFor: ClientSet,
  defaultRegion: string,
  planCallOptions: Partial<AwsClientOptions>,
  roleOf: (appId: string) => AssumeRoleSpec | undefined,
): AwsGateway {
  const gateways = new Map<string, AwsGateway>();
  const forPlace = (where: { region?: string | undefined; assumeRoleOf?: string | undefined }) => {
    const region = where.region ?? defaultRegion;
    const role = where.assumeRoleOf === undefined ? undefined : roleOf(where.assumeRoleOf);
    if (where.assumeRoleOf !== undefined && role === undefined) {
      // The plan was made for a role the configuration no longer names: never fall back to the server's own credentials.
      throw new AppError("invalid", `The application "${where.assumeRoleOf}" no longer names a role to assume in Teal's config.`);
    }
    const key = `${region}\n${roleKey(role)}`;
    let g = gateways.get(key);
    if (!g) {
      g = createAwsGateway(clientsFor(region, role), { polling: pollingFor(region, role) });
      gateways.set(key, g);
    }
    return g;
  };
  // Every region's plan-call clients have the same limits, so one bound covers them all.
  const limits = callLimitsOf(planCallOptions);
  return {
    inFlightBoundMs: callBoundMs(limits),
    inFlightBound: describeCallBound(limits),
    call: (call: AwsCall, observe?: (info: AwsCallInfo) => void, options?: { signal?: AbortSignal }) => forPlace(call).call(call, observe, options),
    check: (wait: WaitCondition, output: JsonValue | null) => forPlace(wait).check(wait, output),
    readMetrics: async (read: MetricRead) => {
      const g = forPlace(read);
      if (!g.readMetrics) throw new AppError("internal", "This gateway cannot read metrics");
      return g.readMetrics(read);
    },
  };
}

type ClientSet = (region: string, role?: AssumeRoleSpec) => AwsClients;

/** The AWS side of a runtime: the budget, the client sets per Region and role, and the engine's gateway. */
export type AwsAccess = Pick<Runtime, "clients" | "patientClients" | "pageClients" | "readBudget"> & {
  /** The engine's wait checks: adaptive retries, counted against the budget as operation calls. */
  pollingClients: ClientSet;
  gateway: AwsGateway;
};

/**
 * The client sets of a server, all on one AWS budget (unless it is off): the pages' reads as
 * background traffic, everything an operation sends (plan calls, wait checks, a rollback's reads,
 * plan observes) as operation traffic that is never held. Each set names itself in the User-Agent
 * (`teal/plan`, `teal/poll`, `teal/patient`, `teal/page`), so AWS's records tell them apart.
 */
export function createAwsAccess(env: TealEnv, opts: { clock?: BudgetClock; roleOf?: (appId: string) => AssumeRoleSpec | undefined } = {}): AwsAccess {
  const readBudget =
    env.TEAL_READ_BUDGET === "off"
      ? null
      : createReadBudget({
          specs: budgetSpecs(env.TEAL_READ_BUDGET, env.TEAL_READ_BUDGET_LIMITS),
          maxWaitMs: env.TEAL_READ_BUDGET_WAIT_MS,
          idleMaxWaitMs: env.TEAL_READ_BUDGET_IDLE_WAIT_MS ?? Math.max(env.TEAL_READ_BUDGET_WAIT_MS, env.TEAL_IDLE_REFRESH_MS),
          ...(opts.clock ? { clock: opts.clock } : {}),
        });
  // One credential provider per role, shared by every client set and Region: a role is assumed once
  // and its session reused until shortly before it expires (lib/aws/assume-role.ts).
  const assumed = new Map<string, () => Promise<TealCredentials>>();
  const credentialsOf = (role: AssumeRoleSpec) => {
    const key = roleKey(role);
    let provider = assumed.get(key);
    if (!provider) {
      provider = assumedRoleCredentials(role, {
        region: env.AWS_REGION,
        endpoint: env.AWS_ENDPOINT_URL,
        source: serverCredentials(env.AWS_ENDPOINT_URL),
        userAgent: "teal/assume-role",
      });
      assumed.set(key, provider);
    }
    return provider;
  };
  const set = (name: string, priority: BudgetPriority, options: Partial<AwsClientOptions>): ClientSet => {
    const cache = new Map<string, AwsClients>();
    return (region, role) => {
      const key = `${region}\n${roleKey(role)}`;
      let c = cache.get(key);
      if (!c) {
        c = createClients({
          ...options,
          region,
          endpoint: env.AWS_ENDPOINT_URL,
          userAgent: `teal/${name}`,
          ...(role !== undefined ? { credentials: credentialsOf(role) } : {}),
          ...(readBudget ? { budget: { budget: readBudget, priority } } : {}),
        });
        cache.set(key, c);
      }
      return c;
    };
  };
  // Plan calls: the SDK's standard retries and the default limits (they bound a rollback's settle step).
  const planCallOptions: Partial<AwsClientOptions> = {};
  const clients = set("plan", "operation", planCallOptions);
  const pollingClients = set("poll", "operation", { retryMode: "adaptive" });
  const patientClients = set("patient", "operation", { readRetry: PATIENT_READS });
  // The pages' reads of many applications are merged (lib/aws/batched-reads.ts); nothing else is.
  const pageClients = set("page", "background", env.TEAL_READ_BATCH_MS === "off" ? {} : { batchWindowMs: env.TEAL_READ_BATCH_MS });
  const gateway = regionalGateway(clients, pollingClients, env.AWS_REGION, planCallOptions, opts.roleOf ?? (() => undefined));
  return { readBudget, clients, pollingClients, patientClients, pageClients, gateway };
}

async function init(): Promise<Runtime> {
  const env = parseEnv(process.env);
  const config = loadTealConfig(env.TEAL_CONFIG);
  const store = await getStore();
  const apps = new Map(config.applications.map((a) => [a.id, a]));
  const { readBudget, clients, patientClients, pageClients, gateway } = createAwsAccess(env, { roleOf: (id) => apps.get(id)?.assumeRole });
  const engine = createEngine({
    store,
    gateway,
    // Loaded when first needed: the rollback plans through the runtime, which is still being made here.
    onJudgeFail: async (halt) => (await import("./progressive-rollback")).startJudgeRollback(await getRuntime(), halt),
  });
  return { env, config, store, engine, clients, patientClients, pageClients, readBudget, app: (id) => apps.get(id) };
}

/** The process's runtime, created on first use (configuration errors surface here with their fix). */
export function getRuntime(): Promise<Runtime> {
  if (!holder.__tealRuntime) {
    const starting = init();
    starting.catch(() => {
      if (holder.__tealRuntime === starting) holder.__tealRuntime = undefined;
    });
    holder.__tealRuntime = starting;
  }
  return holder.__tealRuntime;
}
