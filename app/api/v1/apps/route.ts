import { apiGet } from "@/lib/api/respond";
import { mayUseApp } from "@/lib/auth/api-caller";
import { getRuntime } from "@/lib/runtime/runtime";
import { getSnapshotService } from "@/lib/runtime/snapshots";

export const dynamic = "force-dynamic";

// REST API: every application the caller may see, with its summary state (split, health, operation).
export async function GET(req: Request) {
  return apiGet(req, async ({ caller, require }) => {
    require("read");
    const rt = await getRuntime();
    const apps = await getSnapshotService(rt).summaries();
    return { apps: apps.filter((a) => mayUseApp(caller, a.id)) };
  });
}
