// `npm run audit:verify`: recomputes the audit log's chain and the operations journal's chain in the
// database DATABASE_URL names (SQLite file or PostgreSQL) with the audit key (TEAL_AUDIT_KEY, or the
// development key file beside the database), compares them with the last head exported outside the
// database (the head sink, or `--head FILE`), and says whether they are intact; exit 1 names the
// first broken record.
import { pathToFileURL } from "node:url";
import { readExportedHeads, type SignedHead } from "../lib/store/audit-export";
import { resolveAuditSettings } from "../lib/store/audit-key";
import { openStore, type AuditChainInfo, type AuditVerification } from "../lib/store/store";

const DEFAULT_DATABASE_URL = "file:data/teal.db";

export interface VerifyReport {
  result: AuditVerification;
  info: AuditChainInfo;
  /** The newest exported head the database was compared with (all of them were), if any. */
  exported: SignedHead | null;
  /** Why there was none to compare with. */
  noExportReason: string | null;
  /** The development key file used, if the key came from one. */
  keyFile: string | null;
}

/**
 * Verifies the chains of the database at `url` with the key and head sink the environment names
 * (`headFile` overrides where the last exported head is read); the store is closed again whatever happens.
 */
export async function verifyAuditAt(
  url: string,
  options: { env?: Record<string, string | undefined>; headFile?: string } = {},
): Promise<AuditVerification> {
  return (await verifyAuditReport(url, options)).result;
}

export async function verifyAuditReport(
  url: string,
  options: { env?: Record<string, string | undefined>; headFile?: string } = {},
): Promise<VerifyReport> {
  const settings = resolveAuditSettings(url, options.env ?? process.env, { create: false });
  let heads: SignedHead[] = [];
  let noExportReason: string | null = null;
  const headFile = options.headFile ?? (settings.sink?.kind === "file" ? settings.sink.path : null);
  if (headFile) {
    heads = await readExportedHeads(headFile);
    if (heads.length === 0) noExportReason = `no head has been exported to ${headFile} yet`;
  } else {
    noExportReason =
      settings.sink?.kind === "webhook"
        ? "the head is exported to a webhook: pass --head FILE with the last head it received"
        : "no head sink is configured (TEAL_AUDIT_HEAD_SINK)";
  }
  const store = await openStore(url, { auditKey: settings.key?.key ?? null, headSink: null, exportIntervalMs: 0 });
  try {
    const result = await store.verifyAudit({ exported: heads });
    return {
      result,
      info: await store.auditChainInfo(),
      exported: heads[heads.length - 1] ?? null,
      noExportReason,
      keyFile: settings.key?.file ?? null,
    };
  } finally {
    await store.close();
  }
}

/** The first line the command prints for a verification. */
export function describeVerification(result: AuditVerification): string {
  if (result.ok) return `audit chain intact: ${result.count} records`;
  const where = result.chain === "journal" ? `journal chain entry ${result.brokenAtSeq}` : `seq ${result.brokenAtSeq}`;
  return `audit chain BROKEN at ${where}: ${result.problem}`;
}

/** The lines after it: where the keyed chain begins, and what the database was compared with. */
export function describeCoverage(report: VerifyReport): string[] {
  const { info, exported, noExportReason } = report;
  const lines: string[] = [];
  if (report.keyFile) lines.push(`  WARNING: checked with the development key in ${report.keyFile}; production uses TEAL_AUDIT_KEY`);
  if (info.keyedFrom > 1) {
    lines.push(
      `  records 1 to ${info.keyedFrom - 1} predate the audit key: they are checked with the old unkeyed chain only (anyone who could write the database could have rewritten them)`,
    );
  }
  lines.push(info.keyedFrom <= info.auditSeq ? `  records ${info.keyedFrom} to ${info.auditSeq} are keyed (HMAC-SHA256)` : "  no keyed records yet");
  lines.push(`  operations journal: ${info.journalSeq} chained writes`);
  if (exported) {
    lines.push(
      `  compared with the heads exported up to ${exported.head.at} (record ${exported.head.audit.seq}, journal entry ${exported.head.journal.seq}); later records are not pinned outside the database`,
    );
  } else {
    lines.push(`  WARNING: ${noExportReason ?? "no exported head"}: deleting the newest records cannot be detected`);
  }
  return lines;
}

function headArgument(argv: readonly string[]): string | undefined {
  const i = argv.indexOf("--head");
  return i >= 0 ? argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const report = await verifyAuditReport(url, { headFile: headArgument(process.argv.slice(2)) });
  const line = describeVerification(report.result);
  if (report.result.ok) console.log(line);
  else console.error(line);
  for (const detail of describeCoverage(report)) console.log(detail);
  process.exitCode = report.result.ok ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    // Credentials in a PostgreSQL URL stay out of the message.
    console.error(`audit verification failed: ${err instanceof Error ? err.message.replace(/\/\/[^@\s]*@/g, "//***@") : String(err)}`);
    process.exitCode = 2;
  });
}
