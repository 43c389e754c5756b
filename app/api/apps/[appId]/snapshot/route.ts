import type { NextRequest } from "next/server";
import { z } from "zod";
import { AppError } from "@/lib/domain/app-error";
import { appIdSchema } from "@/lib/actions/schemas";
import { authorizedJson } from "@/lib/http/route";
import { RANGES_MINUTES, type RangeMinutes } from "@/lib/metrics/catalog";
import { getRuntime } from "@/lib/runtime/runtime";
import { getSnapshotService } from "@/lib/runtime/snapshots";

export const dynamic = "force-dynamic";

const rangeSchema = z.coerce
  .number()
  .refine((n): n is RangeMinutes => (RANGES_MINUTES as readonly number[]).includes(n), "range must be 60, 180, 720 or 1440")
  .default(60);

// One application's state, metrics and operation, from the shared snapshot (polled every few seconds).
// It never waits long on AWS: when a refresh does not land within a moment, the answer is the last
// good read with its age and why it is not newer, so a page shows stale data instead of hanging
// and ending in a 502.
export async function GET(req: NextRequest, ctx: { params: Promise<{ appId: string }> }) {
  return authorizedJson("read", async () => {
    const { appId } = await ctx.params;
    const id = appIdSchema.safeParse(appId);
    if (!id.success) throw new AppError("invalid", "Not an application id.");
    const range = rangeSchema.safeParse(req.nextUrl.searchParams.get("range") ?? undefined);
    if (!range.success) throw new AppError("invalid", "range must be 60, 180, 720 or 1440 (minutes).");
    const rt = await getRuntime();
    const snapshots = getSnapshotService(rt);
    // The page is open: its application is read at the fast interval while it polls.
    snapshots.watch(id.data);
    const { snapshot, readError } = await snapshots.lastGood(id.data, range.data as RangeMinutes);
    return { ...snapshot, refreshMs: snapshots.refreshMs(id.data), dataAgeMs: Math.max(0, Date.now() - Date.parse(snapshot.generatedAt)), readError };
  });
}
