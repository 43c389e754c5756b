/**
 * Test support (imported only by tests): a Runtime over SDK clients the test made (usually for a
 * practice range), the store it opened and the demo applications of teal.config.yaml, without
 * the server's singletons, its AWS budget or its client sets.
 */
import type { AwsClients } from "@/lib/aws/clients";
import { createAwsGateway } from "@/lib/aws/gateway";
import { parseEnv } from "@/lib/config/load";
import type { TealConfig } from "@/lib/config/schema";
import { createEngine } from "@/lib/engine/engine";
import type { Runtime } from "@/lib/runtime/runtime";
import type { Store } from "@/lib/store/store";

export interface TestRuntimeOptions {
  config: TealConfig;
  store: Store;
  /** The clients of plans, operations and rollbacks. */
  clients: AwsClients;
  /** The clients of the pages' reads; `clients` when absent. */
  pages?: AwsClients;
  /** Environment settings, as the server would read them (TEAL_REFRESH_MS 5000 when absent). */
  env?: Record<string, string>;
}

export function testRuntime({ config, store, clients, pages = clients, env = { TEAL_REFRESH_MS: "5000" } }: TestRuntimeOptions): Runtime {
  const apps = new Map(config.applications.map((a) => [a.id, a]));
  return {
    env: parseEnv(env),
    config,
    store,
    engine: createEngine({ store, gateway: createAwsGateway(clients) }),
    clients: () => clients,
    patientClients: () => clients,
    pageClients: () => pages,
    readBudget: null,
    app: (id) => apps.get(id),
  };
}
