import { readerJson } from "@/lib/http/route";
import { getRuntime } from "@/lib/runtime/runtime";
import { getSnapshotService } from "@/lib/runtime/snapshots";

export const dynamic = "force-dynamic";

// Overview: every application's split, health and running operation (polled by the overview page
// and the wall, so a kiosk token may read it too).
export async function GET() {
  return readerJson(async () => {
    const rt = await getRuntime();
    return { apps: await getSnapshotService(rt).summaries() };
  });
}
