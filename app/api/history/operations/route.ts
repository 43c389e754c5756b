import type { NextRequest } from "next/server";
import { AppError } from "@/lib/domain/app-error";
import { operationsCsv, exportFileName } from "@/lib/history/export";
import { exportFormatSchema, operationFilterOf, parseHistoryQuery } from "@/lib/history/query";
import { authorizedExport } from "@/lib/http/export";
import { getStore } from "@/lib/store";

export const dynamic = "force-dynamic";

// Export of the operations journal (with every step) as CSV or JSON, with the history page's filters.
export async function GET(req: NextRequest) {
  return authorizedExport("read", async () => {
    const params = req.nextUrl.searchParams;
    const format = exportFormatSchema.safeParse(params.get("format") ?? undefined);
    if (!format.success) throw new AppError("invalid", "format must be csv or json.");
    const parsed = parseHistoryQuery(params);
    if (!parsed.ok) throw new AppError("invalid", parsed.message);
    const operations = await (await getStore()).listOperations({ ...operationFilterOf(parsed.query), limit: parsed.query.limit ?? 500 });
    const fileName = exportFileName("operations", format.data, new Date());
    return format.data === "csv"
      ? { body: operationsCsv(operations), contentType: "text/csv; charset=utf-8", fileName }
      : { body: `${JSON.stringify({ operations }, null, 2)}\n`, contentType: "application/json; charset=utf-8", fileName };
  });
}
