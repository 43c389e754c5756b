/** What every part of the store shares: the database, its dialect and the store's clock. */
import type { Kysely } from "kysely";
import type { Database } from "./schema";

export type DialectName = "sqlite" | "postgres";

export interface StoreCore {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  /** Clock for timestamps the store sets itself (audit `at`, `updated_at`). */
  readonly now: () => number;
}

export function isoNow(core: StoreCore): string {
  return new Date(core.now()).toISOString();
}
