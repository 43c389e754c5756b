import { AppError } from "@/lib/domain/app-error";
import type { Operation } from "@/lib/domain/operation";
import { apiGet } from "@/lib/api/respond";
import { operationFilterOf, parseHistoryQuery } from "@/lib/history/query";
import { getStore } from "@/lib/store";

export const dynamic = "force-dynamic";

// REST API: the operations journal, newest first, with the history page's filters (app, actor,
// intent, status, since, until, limit); a token limited to some applications sees only theirs.
export async function GET(req: Request) {
  return apiGet(req, async ({ caller, require, requireApp }) => {
    require("read");
    const parsed = parseHistoryQuery(new URL(req.url).searchParams);
    if (!parsed.ok) throw new AppError("invalid", parsed.message);
    const filter = operationFilterOf(parsed.query);
    const store = await getStore();
    if (filter.appId !== undefined) requireApp(filter.appId);
    let operations: Operation[];
    if (caller.apps === null || filter.appId !== undefined) {
      operations = await store.listOperations(filter);
    } else {
      const each = await Promise.all(caller.apps.map((appId) => store.listOperations({ ...filter, appId })));
      operations = each
        .flat()
        .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))
        .slice(0, filter.limit);
    }
    return { operations };
  });
}
