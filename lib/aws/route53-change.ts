import "server-only";
import { GetChangeCommand, type Route53Client } from "@aws-sdk/client-route-53";
import { toAppError } from "./errors";

/** PENDING or INSYNC for a change id (with or without the /change/ prefix). */
export async function getChangeStatus(client: Route53Client, id: string): Promise<"PENDING" | "INSYNC"> {
  try {
    const out = await client.send(new GetChangeCommand({ Id: id }));
    return out.ChangeInfo?.Status === "INSYNC" ? "INSYNC" : "PENDING";
  } catch (err) {
    throw toAppError(err, "GetChange");
  }
}
