import { progressiveSignalRoute } from "@/lib/api/operations";

export const dynamic = "force-dynamic";

// REST API: continue a held progressive delivery, and end the bake it is in now (operators and up). 202.
export const POST = progressiveSignalRoute("continue");
