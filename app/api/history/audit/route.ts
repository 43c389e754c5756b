import type { NextRequest } from "next/server";
import { AppError } from "@/lib/domain/app-error";
import { auditCsv, exportFileName } from "@/lib/history/export";
import { auditFilterOf, exportFormatSchema, parseHistoryQuery } from "@/lib/history/query";
import { authorizedExport } from "@/lib/http/export";
import { getStore } from "@/lib/store";

export const dynamic = "force-dynamic";

// Export of the audit log (hash-chained records, newest first) as CSV or JSON, with the history page's filters.
export async function GET(req: NextRequest) {
  return authorizedExport("read", async () => {
    const params = req.nextUrl.searchParams;
    const format = exportFormatSchema.safeParse(params.get("format") ?? undefined);
    if (!format.success) throw new AppError("invalid", "format must be csv or json.");
    const parsed = parseHistoryQuery(params);
    if (!parsed.ok) throw new AppError("invalid", parsed.message);
    const records = await (await getStore()).listAudit({ ...auditFilterOf(parsed.query), limit: parsed.query.limit ?? 1000 });
    const fileName = exportFileName("audit", format.data, new Date());
    return format.data === "csv"
      ? { body: auditCsv(records), contentType: "text/csv; charset=utf-8", fileName }
      : { body: `${JSON.stringify({ audit: records }, null, 2)}\n`, contentType: "application/json; charset=utf-8", fileName };
  });
}
