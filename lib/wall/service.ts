import "server-only";
import { isAppError } from "@/lib/domain/app-error";
import type { WallAppDetail, WallSnapshot } from "@/lib/domain/wall";
import { getRuntime } from "@/lib/runtime/runtime";
import { getSnapshotService } from "@/lib/runtime/snapshots";
import { wallAlarms, wallOperation } from "./detail";
import { wallErrorRates } from "./errors";
import { colorHealth } from "./health";

/**
 * Every application's in-flight operation and alarms, from the shared snapshot cache (the same
 * AWS reads the overview and the app pages use: a wall adds no AWS calls of its own).
 */
export async function wallSnapshot(): Promise<WallSnapshot> {
  const rt = await getRuntime();
  const snapshots = getSnapshotService(rt);
  const apps = await Promise.all(
    rt.config.applications.map(async (app): Promise<WallAppDetail> => {
      try {
        // The last good read, even while AWS does not answer: the wall never waits on AWS, it says how old its data is.
        const { snapshot: snap, readError } = await snapshots.lastGood(app.id);
        return {
          appId: app.id,
          operation: wallOperation(snap.operation),
          alarms: wallAlarms({ state: snap.state, readError, lastOperation: snap.operation, drift: snap.drift }),
          health: { blue: colorHealth(snap.state.environments.blue), green: colorHealth(snap.state.environments.green) },
          // No 5xx line while CloudWatch cannot be read: empty series are not "no traffic".
          ...(snap.metricsError ? { metricsUnavailable: true } : { errors: wallErrorRates(snap.metrics.series, Date.parse(snap.generatedAt)) }),
          settle: snap.settle ?? null,
        };
      } catch (err) {
        const readError = isAppError(err) ? err.userMessage : "Teal could not read this application.";
        const [last] = await rt.store.listOperations({ appId: app.id, limit: 1 });
        return {
          appId: app.id,
          operation: wallOperation(last ?? null),
          alarms: wallAlarms({ state: null, readError, lastOperation: last ?? null }),
          health: null,
        };
      }
    }),
  );
  return { apps, generatedAt: new Date().toISOString() };
}
