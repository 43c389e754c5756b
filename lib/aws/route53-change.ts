import "server-only";
import { GetChangeCommand, type Route53Client } from "@aws-sdk/client-route-53";
import { toAppError } from "./errors";

/**
 * PENDING or INSYNC for a change id (with or without the /change/ prefix); null when Route 53 no
 * longer knows the change (it forgets old ones, and a practice range restart forgets them all), so a
 * stale journal entry never makes an application unreadable.
 */
export async function getChangeStatus(client: Route53Client, id: string): Promise<"PENDING" | "INSYNC" | null> {
  try {
    const out = await client.send(new GetChangeCommand({ Id: id }));
    return out.ChangeInfo?.Status === "INSYNC" ? "INSYNC" : "PENDING";
  } catch (err) {
    const mapped = toAppError(err, "GetChange");
    if (mapped.code === "not_found") return null;
    throw mapped;
  }
}
