/**
 * Test support (imported only by tests): opens a fresh store on SQLite (temp dir) or PostgreSQL
 * (TEST_PG_URL, or a throwaway cluster started once per test file).
 */

import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { startPgCluster, type PgCluster } from "@/scripts/pg-cluster.mjs";
import { openStore, type DialectName, type OpenStoreOptions, type Store } from "@/lib/store/store";

export const DIALECTS: readonly DialectName[] = ["sqlite", "postgres"];

export interface TestStore {
  store: Store;
  /** The URL the store was opened with (a second store may open the same database). */
  url: string;
  cleanup(): Promise<void>;
}

let cluster: Promise<PgCluster> | null = null;
let template: Promise<string> | null = null;

/** The PostgreSQL server to test against: TEST_PG_URL, or one throwaway cluster for this process. */
async function pgBaseUrl(): Promise<string> {
  const fromEnv = process.env.TEST_PG_URL;
  if (fromEnv) return fromEnv;
  cluster ??= startPgCluster();
  return (await cluster).url;
}

/**
 * A migrated database that fresh test databases are copied from (CREATE DATABASE … TEMPLATE is
 * several times faster than migrating each one). One per process, so test files never share it.
 */
function migratedTemplate(baseUrl: string): Promise<string> {
  template ??= (async () => {
    const name = `teal_tpl_${randomBytes(6).toString("hex")}`;
    await adminQuery(baseUrl, `CREATE DATABASE ${name}`);
    const store = await openStore(withDatabase(baseUrl, name));
    await store.close();
    return name;
  })();
  return template;
}

function withDatabase(baseUrl: string, database: string): string {
  const parsed = new URL(baseUrl);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Drops this process's template database and stops the throwaway cluster, if any (call from afterAll). */
export async function stopTestCluster(): Promise<void> {
  const tpl = template;
  template = null;
  const started = cluster;
  cluster = null;
  if (started) {
    await (await started).stop();
  } else if (tpl && process.env.TEST_PG_URL) {
    await adminQuery(process.env.TEST_PG_URL, `DROP DATABASE IF EXISTS ${await tpl} WITH (FORCE)`);
  }
}

async function adminQuery(baseUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** A fresh, empty, migrated store: its own SQLite file, or its own PostgreSQL database. */
export async function openTestStore(dialect: DialectName, options: OpenStoreOptions = {}): Promise<TestStore> {
  if (dialect === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "teal-store-"));
    const url = `file:${join(dir, "teal.db")}`;
    const store = await openStore(url, options);
    return {
      store,
      url,
      cleanup: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const baseUrl = await pgBaseUrl();
  const database = `teal_test_${randomBytes(6).toString("hex")}`;
  await adminQuery(baseUrl, `CREATE DATABASE ${database} TEMPLATE ${await migratedTemplate(baseUrl)} STRATEGY FILE_COPY`);
  const url = withDatabase(baseUrl, database);
  const store = await openStore(url, options);
  return {
    store,
    url,
    cleanup: async () => {
      await store.close();
      await adminQuery(baseUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    },
  };
}

/** Runs raw SQL against the test database behind the store's back (to tamper with rows in tests). */
export async function rawExec(dialect: DialectName, url: string, text: string): Promise<void> {
  if (dialect === "sqlite") {
    const { default: SqliteDatabase } = await import("better-sqlite3");
    const db = new SqliteDatabase(url.slice("file:".length));
    try {
      db.exec(text);
    } finally {
      db.close();
    }
    return;
  }
  await adminQuery(url, text);
}
