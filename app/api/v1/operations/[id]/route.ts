import { operationFor } from "@/lib/api/operations";
import { apiGet } from "@/lib/api/respond";

export const dynamic = "force-dynamic";

// REST API: one operation with its steps and status (what a pipeline polls until it ends).
export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }) {
  return apiGet(req, async (api) => {
    api.require("read");
    return { operation: await operationFor(api, ctx.params) };
  });
}
