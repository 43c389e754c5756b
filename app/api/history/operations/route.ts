import type { NextRequest } from "next/server";
import { operationsCsv, exportFileName } from "@/lib/history/export";
import { operationFilterOf, parseExportRequest } from "@/lib/history/query";
import { withoutArns } from "@/lib/domain/arn";
import { authorizedExport } from "@/lib/http/export";
import { getStore } from "@/lib/store";

export const dynamic = "force-dynamic";

// Export of the operations journal (with every step) as CSV or JSON, with the history page's filters.
export async function GET(req: NextRequest) {
  return authorizedExport("read", async () => {
    const { format, query } = parseExportRequest(req.nextUrl.searchParams);
    // Their steps' calls name AWS resources by ARN, which names the account: the file says which resource only.
    const operations = withoutArns(await (await getStore()).listOperations({ ...operationFilterOf(query), limit: query.limit ?? 500 }));
    const fileName = exportFileName("operations", format, new Date());
    return format === "csv"
      ? { body: operationsCsv(operations), contentType: "text/csv; charset=utf-8", fileName }
      : { body: `${JSON.stringify({ operations }, null, 2)}\n`, contentType: "application/json; charset=utf-8", fileName };
  });
}
