// `npm run audit:verify`: recomputes the audit log's hash chain in the database DATABASE_URL names
// (SQLite file or PostgreSQL) and says whether it is intact; exit 1 names the first broken record.
import { pathToFileURL } from "node:url";
import { openStore, type AuditVerification } from "../lib/store/store";

const DEFAULT_DATABASE_URL = "file:data/teal.db";

/** Verifies the chain of the database at `url`; the store is closed again whatever happens. */
export async function verifyAuditAt(url: string): Promise<AuditVerification> {
  const store = await openStore(url);
  try {
    return await store.verifyAudit();
  } finally {
    await store.close();
  }
}

/** The one line the command prints for a verification. */
export function describeVerification(result: AuditVerification): string {
  return result.ok
    ? `audit chain intact: ${result.count} records`
    : `audit chain BROKEN at seq ${result.brokenAtSeq}: ${result.problem}`;
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const result = await verifyAuditAt(url);
  const line = describeVerification(result);
  if (result.ok) console.log(line);
  else console.error(line);
  process.exitCode = result.ok ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    // Credentials in a PostgreSQL URL stay out of the message.
    console.error(`audit verification failed: ${err instanceof Error ? err.message.replace(/\/\/[^@\s]*@/g, "//***@") : String(err)}`);
    process.exitCode = 2;
  });
}
