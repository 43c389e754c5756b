import { readerJson } from "@/lib/http/route";
import { wallSnapshot } from "@/lib/wall/service";

export const dynamic = "force-dynamic";

// Wall monitor: each application's running operation (step k of n) and alarms; kiosk tokens may read it.
export async function GET() {
  return readerJson(() => wallSnapshot());
}
