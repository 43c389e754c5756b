import "server-only";
import { openStore, type Store } from "./store";

export type {
  AuditFilter,
  ClaimIdempotencyKey,
  CreateApiTokenInput,
  IdempotencyClaim,
  AuditVerification,
  CreateKioskTokenInput,
  CreateSessionInput,
  CreateOperationInput,
  DialectName,
  LockInfo,
  OperationFilter,
  OperationPatch,
  RefreshLease,
  RefreshResult,
  StepPatch,
  StoredObservation,
  Store,
} from "./store";
export { openStore } from "./store";

const DEFAULT_DATABASE_URL = "file:data/teal.db";

// One store per server process; cached on globalThis so dev-mode module reloads reuse it.
const cache = globalThis as typeof globalThis & { __tealStore?: Promise<Store> };

/** The app's store, opened (and migrated) on first use from DATABASE_URL (default: SQLite in data/). */
export function getStore(): Promise<Store> {
  if (!cache.__tealStore) {
    const opening = openStore(process.env.DATABASE_URL || DEFAULT_DATABASE_URL);
    // A failed open is not cached: the next call tries again.
    opening.catch(() => {
      if (cache.__tealStore === opening) cache.__tealStore = undefined;
    });
    cache.__tealStore = opening;
  }
  return cache.__tealStore;
}
