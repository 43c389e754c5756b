import type { NextRequest } from "next/server";
import { auditCsv, exportFileName } from "@/lib/history/export";
import { auditFilterOf, parseExportRequest } from "@/lib/history/query";
import { authorizedExport } from "@/lib/http/export";
import { getStore } from "@/lib/store";

export const dynamic = "force-dynamic";

// Export of the audit log (hash-chained records, newest first) as CSV or JSON, with the history page's filters.
export async function GET(req: NextRequest) {
  return authorizedExport("read", async () => {
    const { format, query } = parseExportRequest(req.nextUrl.searchParams);
    const records = await (await getStore()).listAudit({ ...auditFilterOf(query), limit: query.limit ?? 1000 });
    const fileName = exportFileName("audit", format, new Date());
    return format === "csv"
      ? { body: auditCsv(records), contentType: "text/csv; charset=utf-8", fileName }
      : { body: `${JSON.stringify({ audit: records }, null, 2)}\n`, contentType: "application/json; charset=utf-8", fileName };
  });
}
