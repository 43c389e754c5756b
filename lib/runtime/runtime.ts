import "server-only";
import type { AwsCall, WaitCondition } from "@/lib/domain/plan";
import type { AwsCallInfo, AwsGateway } from "@/lib/domain/gateway";
import type { JsonValue } from "@/lib/domain/basics";
import { callBoundMs, callLimitsOf, createClients, describeCallBound, type AwsClients, type AwsClientOptions } from "@/lib/aws/clients";
import { createAwsGateway } from "@/lib/aws/gateway";
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
  clients(region: string): AwsClients;
  /**
   * Read-only clients whose calls ride out throttling, 5xx and unanswered requests (paused and
   * made again, like a wait's polls): what a rollback reads before it starts. Never for mutations.
   */
  patientClients(region: string): AwsClients;
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
  clientsFor: (region: string) => AwsClients,
  pollingFor: (region: string) => AwsClients,
  defaultRegion: string,
  planCallOptions: Partial<AwsClientOptions>,
): AwsGateway {
  const gateways = new Map<string, AwsGateway>();
  const forRegion = (region: string) => {
    let g = gateways.get(region);
    if (!g) {
      g = createAwsGateway(clientsFor(region), { polling: pollingFor(region) });
      gateways.set(region, g);
    }
    return g;
  };
  // Every region's plan-call clients have the same limits, so one bound covers them all.
  const limits = callLimitsOf(planCallOptions);
  return {
    inFlightBoundMs: callBoundMs(limits),
    inFlightBound: describeCallBound(limits),
    call: (call: AwsCall, observe?: (info: AwsCallInfo) => void, options?: { signal?: AbortSignal }) =>
      forRegion(call.region ?? defaultRegion).call(call, observe, options),
    check: (wait: WaitCondition, output: JsonValue | null) => forRegion(wait.region ?? defaultRegion).check(wait, output),
  };
}

async function init(): Promise<Runtime> {
  const env = parseEnv(process.env);
  const config = loadTealConfig(env.TEAL_CONFIG);
  const store = await getStore();
  const clientCache = new Map<string, AwsClients>();
  // Plan calls: the SDK's standard retries and the default limits (they bound a rollback's settle step).
  const planCallOptions: Partial<AwsClientOptions> = {};
  const clients = (region: string) => {
    let c = clientCache.get(region);
    if (!c) {
      c = createClients({ ...planCallOptions, region, endpoint: env.AWS_ENDPOINT_URL });
      clientCache.set(region, c);
    }
    return c;
  };
  const pollingCache = new Map<string, AwsClients>();
  const pollingClients = (region: string) => {
    let c = pollingCache.get(region);
    if (!c) {
      c = createClients({ region, endpoint: env.AWS_ENDPOINT_URL, retryMode: "adaptive" });
      pollingCache.set(region, c);
    }
    return c;
  };
  const patientCache = new Map<string, AwsClients>();
  const patientClients = (region: string) => {
    let c = patientCache.get(region);
    if (!c) {
      c = createClients({ region, endpoint: env.AWS_ENDPOINT_URL, readRetry: PATIENT_READS });
      patientCache.set(region, c);
    }
    return c;
  };
  const engine = createEngine({ store, gateway: regionalGateway(clients, pollingClients, env.AWS_REGION, planCallOptions) });
  const apps = new Map(config.applications.map((a) => [a.id, a]));
  return { env, config, store, engine, clients, patientClients, app: (id) => apps.get(id) };
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
