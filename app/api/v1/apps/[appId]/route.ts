import { apiGet, parseInput } from "@/lib/api/respond";
import { appIdSchema } from "@/lib/api/schemas";
import { appOrThrow } from "@/lib/runtime/plan-service";
import { getSnapshotService } from "@/lib/runtime/snapshots";

export const dynamic = "force-dynamic";

// REST API: one application's snapshot (state, last hour's metrics, operation), as its console page reads it.
export async function GET(req: Request, ctx: { params: Promise<{ appId: string }> }) {
  return apiGet(req, async ({ require, requireApp }) => {
    require("read");
    const appId = parseInput(appIdSchema, (await ctx.params).appId, "Not an application id");
    requireApp(appId);
    const { rt, app } = await appOrThrow(appId);
    const snapshots = getSnapshotService(rt);
    // Someone follows it: it is read at the fast interval while they poll.
    snapshots.watch(app.id);
    const { snapshot, readError } = await snapshots.lastGood(app.id, 60);
    return { ...snapshot, refreshMs: snapshots.refreshMs(app.id), dataAgeMs: Math.max(0, Date.now() - Date.parse(snapshot.generatedAt)), readError };
  });
}
