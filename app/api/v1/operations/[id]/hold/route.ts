import { progressiveSignalRoute } from "@/lib/api/operations";

export const dynamic = "force-dynamic";

// REST API: hold a running progressive delivery where it is (operators and up): its bake's clock
// stops and it does not move to the next step until continued; the judge keeps watching. 202.
export const POST = progressiveSignalRoute("hold");
