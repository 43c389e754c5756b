import { progressiveSignalRoute } from "@/lib/api/operations";

export const dynamic = "force-dynamic";

// REST API: approve the manual gate a progressive delivery waits at (operators and up): it shifts to
// the gated step at its next poll. 202.
export const POST = progressiveSignalRoute("approve");
